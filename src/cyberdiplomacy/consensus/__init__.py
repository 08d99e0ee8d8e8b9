"""Consensus: who stands where in the UN General Assembly and on the contested questions.

Pure functions over a `knowledge.votes.VoteTable` (roll calls by voters) and curated positions;
each returns plain data (dataclasses of numbers, strings and lists) for the CLI, API and pages.

- `agreement`: agreement between two states, and the agreement matrix for a heat map
- `blocs`: bloc cohesion over time (agreement index, Rice index), several blocs compared, and
  who split from a bloc
- `ideal`: one-dimensional ideal points per session (logistic item-response model), over time
- `similarity`: earlier resolutions most like a draft, by TF-IDF over titles
- `forecast`: per-member yes/no/abstain probabilities for a draft, and the backtest
- `cyber`: the rival ICT-security resolutions: bridges, bloc splits, swing states
- `common_ground`: support per state for draft provisions, and the widest-supported package
- `maps`: each state's vote on a resolution, or its stance on one of the contested questions
  (their wording included), for world maps
"""
