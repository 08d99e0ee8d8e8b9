"""Norms, international law and response options for an incident, as explicit reasoning.

`facts` holds what is known (with `None` for what is not), `norms` finds the implicated norms,
`characterisation` walks the legal steps under a national position, `responses` orders the
options by escalation, and `assessment` puts them together for an incident or a scenario.
"""
