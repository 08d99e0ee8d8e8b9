"""Accounts: organisations, people with roles, passwords, browser sessions and API tokens."""
