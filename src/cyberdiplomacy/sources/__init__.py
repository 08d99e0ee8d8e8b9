"""Importers and exporters: each reads one kind of source into the knowledge base.

Importers are idempotent (a second run changes nothing) and transactional (a failure leaves
the base as it was). They report progress through a `Progress` hook and never print.
"""
