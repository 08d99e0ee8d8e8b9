"""The Jinja2 environment of the pages: where records link to, and how dates and prose read."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from cyberdiplomacy import __version__
from cyberdiplomacy.knowledge import vocabulary
from cyberdiplomacy.knowledge.records import ActorSummary

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")

PATHS = {
    "incident": "/incidents/{}",
    "instrument": "/instruments/{}",
    "state": "/states/{}",
    "organization": "/blocs/{}",
    "technique": "/techniques/{}",
    "software": "/software/{}",
}
KIND_LABELS = {
    "incident": "Incidents",
    "state": "States",
    "organization": "Blocs and organisations",
    "threat_group": "Threat groups",
    "company": "Companies",
    "agency": "Agencies",
    "technique": "ATT&CK techniques",
    "software": "Software",
}
# ATT&CK and MISP descriptions are Markdown with inline citations; links to ATT&CK pages are
# rewritten to the workbench's own pages so a reader stays on the (possibly offline) workbench.
LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
ATTACK_LINK = re.compile(
    r"^https://attack\.mitre\.org/(techniques|software|groups)/([A-Z]\d{4})(?:/(\d{3}))?/?$"
)
CITATION = re.compile(r"\s*\(Citation:[^)]*\)")
CODE = re.compile(r"&lt;code&gt;(.*?)&lt;/code&gt;")


def url(kind: str, key: str) -> str:
    """The page of a record of `kind` (an actor kind, 'technique' or 'software') by its key."""
    return PATHS.get(kind, "/actors/{}").format(key)


def actor_url(actor: ActorSummary) -> str:
    """States are addressed by ISO3, every other actor by slug."""
    return url(actor.kind, actor.iso3 or actor.slug)


def attributor_url(key: str) -> str:
    """An attributor by the key claims use: ISO3 for a state, a slug (lower case) otherwise."""
    return url("state" if key.isupper() else "actor", key)


def percent(probability: float) -> str:
    """A probability as a whole percentage that never rounds to an impossible 0 % or 100 %."""
    if 0 < probability < 0.005:
        return "<1%"
    if 0.995 <= probability < 1:
        return ">99%"
    return f"{probability:.0%}"


def day(value: date | None) -> str:
    """Dates as diplomats write them, unambiguous across locales: 29 Mar 2004."""
    return f"{value.day} {value:%b %Y}" if value else ""


def tactic(name: str) -> str:
    """ATT&CK's display name of a tactic shortname: command-and-control → Command and Control."""
    return " ".join(w if w == "and" else w.capitalize() for w in name.split("-"))


def words(key: str) -> str:
    """A hyphenated key in words: data-destruction → Data destruction."""
    return key.replace("-", " ").capitalize()


@cache
def _labels(namespace: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for term in vocabulary.terms(namespace):
        text = (term.expanded or term.value or term.predicate).strip().rstrip(".")
        text = text[:1].upper() + text[1:]
        if term.value is None:
            labels[term.predicate.rstrip(".")] = text  # some MISP predicates end in a dot
        else:
            labels.setdefault(term.value, text)
            labels[f"{term.predicate}:{term.value}"] = text
    return labels


def term(value: str, namespace: str) -> str:
    """A MISP taxonomy value as the taxonomy writes it out: healthcare-public → Healthcare and
    Public Health; a value the taxonomy lacks reads as words."""
    return _labels(namespace).get(value) or words(value)


@cache
def healey() -> tuple[str, ...]:
    """Healey's spectrum of state responsibility, from state-prohibited to state-integrated."""
    return tuple(t.predicate.rstrip(".") for t in vocabulary.terms("state-responsibility"))


def choices(namespace: str, predicate: str) -> list[tuple[str, str]]:
    """The values of one predicate of a taxonomy with their labels, by label: a filter's options."""
    found = (t.value for t in vocabulary.terms(namespace) if t.predicate == predicate and t.value)
    return sorted(((v, term(v, namespace)) for v in found), key=lambda c: c[1])


def harms(effects: list[str]) -> dict[str, list[str]]:
    """Effects (`kind:value` of organizational-cyber-harm) grouped under their kind."""
    grouped: dict[str, list[str]] = {}
    for effect in effects:
        kind = effect.partition(":")[0].replace("-", "/").capitalize()
        grouped.setdefault(kind, []).append(term(effect, "organizational-cyber-harm"))
    return grouped


def _link(match: re.Match[str]) -> str:
    text, href = match.group(1), match.group(2)
    attack = ATTACK_LINK.match(href)
    if attack:
        section, ident, sub = attack.groups()
        kind = {"techniques": "technique", "software": "software"}.get(section, "threat_group")
        return f'<a href="{url(kind, ident + (f".{sub}" if sub else ""))}">{text}</a>'
    return f'<a href="{href}" rel="noopener noreferrer">{text}</a>'


def prose(text: str | None) -> Markup:
    """Markdown-ish source descriptions as safe paragraphs, without the citation markers."""
    paragraphs = re.split(r"\n\s*\n", CITATION.sub("", text or "").strip())
    html = (CODE.sub(r"<code>\1</code>", LINK.sub(_link, str(escape(p)))) for p in paragraphs if p)
    return Markup("".join(f"<p>{p}</p>" for p in html))


templates.env.filters.update(
    day=day, tactic=tactic, prose=prose, words=words, term=term, harms=harms, percent=percent
)
templates.env.globals.update(
    url=url,
    actor_url=actor_url,
    attributor_url=attributor_url,
    choices=choices,
    healey=healey,
    KIND_LABELS=KIND_LABELS,
    version=__version__,
)
