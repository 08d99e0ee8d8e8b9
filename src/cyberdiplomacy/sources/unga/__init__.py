"""UN General Assembly roll-call votes, from a folder in either of two layouts (CSV or CSV.gz).

**Voeten / `unvotes`** (Erik Voeten's data as packaged by the R package `unvotes`):

- `votes.csv`: rcid, country, country_code (ISO 3166-1 alpha-2), vote (yes, no, abstain)
- `roll_calls.csv`: rcid, session, date, unres, amend, para, short, descr; importantvote optional
- `roll_call_issues.csv` (optional): rcid, short_name (me, nu, di, hr, co, ec), issue

**UN Digital Library voting data** (digitallibrary.un.org record 4060887): any other `*.csv`
in the folder with one row per member and resolution, read by column name:

- required: undl_id, ms_code (ISO 3166-1 alpha-3), ms_vote (Y, N, A; X, NV or empty: did not
  vote), date (YYYY-MM-DD; a time part is ignored), resolution (A/RES/79/1)
- optional: ms_name, session (79 or ES-10; else taken from the symbol, else from the date),
  title, agenda_title, subjects, undl_link
- the plural names of the 2024 data dictionary (ms_codes, ms_names, ms_votes, resolutions,
  agenda_titles) are accepted too.

Members are matched to the knowledge base's states by ISO code. A vote belongs to the member as
it was seated when it voted, under the ISO 3166 code it bore: the USSR (SUN, until 24 December
1991, when the Russian Federation took up its seat), Yugoslavia (YUG, until its seat lapsed in
1992), Czechoslovakia (CSK), the German Democratic Republic (DDR) and South Yemen (YMD) stay
themselves, as do Taiwan's Republic of China seat (TWN, until 1971) and Zanzibar (ZAN, 1963-64,
never in ISO 3166); they are voters without a knowledge-base actor, so no current state inherits
their record. The Federal Republic of Germany is Germany (DEU), the Yemen Arab Republic is Yemen
(YEM), and the Federal Republic of Yugoslavia, Serbia and Montenegro and Serbia (from November
2000) are Serbia (SRB): the same member under the code ISO 3166 carried on.

A roll call's key names its source (voeten:RCID, undl:UNDL_ID), so importing a file again
replaces exactly what it brought, all or nothing. A vote on a whole resolution already recorded
from the other layout (same symbol) is skipped, so the layouts can be combined without doubling.
"""

from __future__ import annotations

from cyberdiplomacy.sources.unga.importer import UngaImport, import_votes

__all__ = ["UngaImport", "import_votes"]
