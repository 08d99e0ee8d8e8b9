"""Briefing notes: what a ministry reads before it responds to an incident.

`note` is a note's content, `briefing` builds it from the attribution and law analyses (pure),
`inputs` reads what it needs from the knowledge base, and `render` writes it as Markdown, HTML
or PDF.
"""
