"""Curation: analysts enter and edit their own records; every change is kept and can be reverted."""
