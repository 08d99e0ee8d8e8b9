"""The briefing note on an incident, built from analyses already made.

`build` is pure: it takes the incident (or a hypothetical `Scenario`), the weighed attribution
claims, the technical ranking, the legal assessment under one national position and the
knowledge every note draws on (`Background`), and returns a `note.Briefing` — plain data that
`render` turns into Markdown, HTML or PDF. Nothing here judges anew; it selects, orders and
phrases what the attribution and law modules concluded, so the note and the analyses agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from cyberdiplomacy.attribution import Attribution
from cyberdiplomacy.attribution.claims import Assessment as ClaimsAssessment
from cyberdiplomacy.attribution.claims import Likelihood, Network, WeighedClaim, likelihood_of
from cyberdiplomacy.knowledge import vocabulary
from cyberdiplomacy.knowledge.incidents import IncidentDetail, ResponseRecord
from cyberdiplomacy.knowledge.positions import PositionRecord
from cyberdiplomacy.knowledge.records import BlocMembership, SourceRecord
from cyberdiplomacy.law.assessment import LegalAssessment, Precedent, Scenario
from cyberdiplomacy.law.characterisation import Answer
from cyberdiplomacy.law.norms import Check, Finding
from cyberdiplomacy.reports.note import (
    Briefing,
    CandidateRow,
    ClaimRow,
    DivergenceRow,
    Event,
    Happened,
    Judgement,
    Law,
    NormRow,
    OptionRow,
    Partner,
    Partners,
    PrecedentRow,
    PreconditionRow,
    SourceGroup,
    StepRow,
    Technical,
)

NO_POSITION = "no national position"
CLASSIFICATION = "UNCLASSIFIED"
PRECEDENTS_SHOWN = 2  # per option: the most comparable; the note must stay within 2-4 pages
PARTNERS_SHOWN = 6
TECHNICAL_SHOWN = 5
WRONGFUL_ACT = "Is it an internationally wrongful act attributable to a state?"


@dataclass(frozen=True)
class Background:
    """What every note draws on besides its subject, read once for many notes.

    `states` names every state (ISO3 → name); `positions` are states' published positions on
    the questions the law module turns on. `network` should hold governments and
    intergovernmental bodies only: its ties are the partners a joint response can be built with.
    """

    states: Mapping[str, str]
    positions: Mapping[str, Mapping[str, PositionRecord]]
    responses: Sequence[ResponseRecord]
    network: Network


# Words ------------------------------------------------------------------------------------


@cache
def _labels(namespace: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for term in vocabulary.terms(namespace):
        text = (term.expanded or _words(str(term.value))).strip().rstrip(".")
        text = text[:1].upper() + text[1:]
        found.setdefault(str(term.value), text)
        found[f"{term.predicate}:{term.value}"] = text
    return found


def _label(value: str, namespace: str) -> str:
    """A taxonomy value as the taxonomy writes it out; unknown values as words."""
    return _labels(namespace).get(value) or _words(value).capitalize()


def _words(key: str) -> str:
    return key.replace("-", " ")


def _listed(items: Sequence[str]) -> str:
    """a, b and c."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def the(name: str) -> str:
    """A state's name as a sentence needs it: the United Kingdom, the Netherlands, France."""
    plural = name.endswith(("Netherlands", "Philippines", "Islands", "Bahamas", "Maldives"))
    formal = any(w in name.split() for w in ("United", "Republic", "Kingdom", "Federation"))
    return f"the {name}" if plural or formal else name


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _likely(phrase: str, low: int, high: int, clause: str) -> str:
    """An ICD 203 judgement as a sentence: "It is very likely (80-95%) that …"."""
    lead = {
        "roughly even chance": "There is a roughly even chance",
        "almost no chance": "There is almost no chance",
    }.get(phrase, f"It is {phrase}")
    return f"{lead} ({low}\N{EN DASH}{high}%) that {clause}"


# Sections ---------------------------------------------------------------------------------


def _happened(subject: IncidentDetail | Scenario, states: Mapping[str, str]) -> Happened:
    if isinstance(subject, IncidentDetail):
        summary, started, ended = subject.summary, subject.started, subject.ended
        techniques, software, responses = subject.techniques, subject.software, subject.responses
    else:  # a scenario states only the facts the law turns on
        summary, started, ended = f"{subject.name} (a hypothetical incident).", None, None
        techniques, software, responses = [], [], []
    return Happened(
        summary=summary,
        type=subject.type,
        started=started,
        ended=ended,
        victims=[states.get(v, v) for v in subject.victims],
        sectors=[_label(s, "dhs-ciip-sectors") for s in subject.sectors],
        effects=[_label(e, "organizational-cyber-harm") for e in subject.effects],
        targets=[_words(t) for t in subject.targets],
        techniques=[f"{t.attack_id} {t.name or ''}".strip() for t in techniques],
        software=[f"{s.attack_id} {s.name or ''}".strip() for s in software],
        armed_conflict=subject.armed_conflict,
        responses=[
            Event(date=r.date, who=r.responder.name, what=f"{_words(r.type)}: {r.summary}")
            for r in responses
        ],
    )


def _technical(ranking: Attribution, states: Mapping[str, str]) -> Technical:
    return Technical(
        candidates=[
            CandidateRow(
                attack_id=c.attack_id,
                name=c.name,
                sponsor=states.get(c.sponsor, c.sponsor) if c.sponsor else None,
                probability=c.probability,
                evidence=[
                    f"{e.name} ({e.item}{'' if e.match == 'exact' else f', {e.match} match'})"
                    for e in c.evidence[:2]
                ],
            )
            for c in ranking.candidates[:TECHNICAL_SHOWN]
        ],
        unknown=ranking.unknown,
        states=[(states.get(s.iso3, s.iso3), s.probability) for s in ranking.states[:3]],
    )


def _judgement(
    subject: IncidentDetail | Scenario,
    legal: LegalAssessment,
    claims: ClaimsAssessment | None,
    technical: Technical | None,
) -> Judgement:
    facts = legal.facts
    if claims is None or (claims.state is None and claims.actor is None):
        likelihood = (
            likelihood_of(facts.attribution_probability)
            if facts.state and facts.attribution_probability is not None
            else None
        )
        hypothetical = isinstance(subject, Scenario)
        return Judgement(
            sentence=_unattributed(facts.name, technical)
            if not hypothetical
            else _assumed(facts.name, facts.state_name, likelihood),
            state=facts.state_name,
            actor=None,
            likelihood=likelihood.phrase if likelihood else None,
            low=likelihood.low if likelihood else None,
            high=likelihood.high if likelihood else None,
            confidence="not assessed" if hypothetical else "low",
            reasons=["hypothetical scenario"] if hypothetical else ["no public attribution"],
            responsibility=facts.state_responsibility,
            responsibility_basis="assumed by the scenario" if hypothetical else "",
            analyses=0,
            claims=[],
            dissent=[],
            technical=technical,
        )
    lead = claims.state or claims.actor
    assert lead is not None and claims.likelihood is not None
    who = the(lead.name) if claims.state else lead.name
    through = f", acting through {claims.actor.name}" if claims.state and claims.actor else ""
    sentence = _likely(
        claims.likelihood.phrase,
        claims.likelihood.low,
        claims.likelihood.high,
        f"{who} was behind {facts.name}{through}; confidence is {claims.confidence}",
    )
    return Judgement(
        sentence=_sentence(sentence),
        state=claims.state.name if claims.state else None,
        actor=claims.actor.name if claims.actor else None,
        likelihood=claims.likelihood.phrase,
        low=claims.likelihood.low,
        high=claims.likelihood.high,
        confidence=claims.confidence,
        reasons=list(claims.confidence_reasons),
        responsibility=claims.state_responsibility,
        responsibility_basis=claims.responsibility_basis,
        analyses=len({w.analysis for w in claims.claims if w not in claims.dissent}),
        claims=[_claim(w) for w in claims.claims if w not in claims.dissent],
        dissent=[_claim(w) for w in claims.dissent],
        technical=technical,
    )


def _assumed(name: str, state: str | None, likelihood: Likelihood | None) -> str:
    """Who a scenario assumes was behind it."""
    if state is None:
        return f"The scenario names no state behind {name}."
    if likelihood is None:
        return f"The scenario names {the(state)} behind {name}, without a likelihood."
    clause = f"{the(state)} was behind {name} (a scenario assumption)"
    return _sentence(_likely(likelihood.phrase, likelihood.low, likelihood.high, clause))


def _unattributed(name: str, technical: Technical | None) -> str:
    """What can be said of an incident no one has attributed."""
    if technical and technical.candidates:
        top = technical.candidates[0]
        sponsor = f" (linked to {the(top.sponsor)})" if top.sponsor else ""
        return (
            f"No government has publicly attributed {name}; of the known groups, its techniques "
            f"fit {top.name}{sponsor} best ({top.probability:.0%}), which on its own cannot "
            "support attribution."
        )
    return f"No one has publicly attributed {name}, and nothing observed points to a known group."


def _claim(weighed: WeighedClaim) -> ClaimRow:
    claim = weighed.claim
    return ClaimRow(
        date=claim.date,
        attributor=claim.attributor_name,
        names=" / ".join(n for n in (claim.actor_name, claim.state_name) if n),
        form=_words(claim.form),
        stated=_words(claim.likelihood) if claim.likelihood else None,
        reliability=weighed.reliability.upper(),
        weight=weighed.weight,
        analysis=weighed.analysis + 1,
    )


def _trigger(check: Check, recorded: set[str]) -> str:
    """A condition that holds, with its facts unless they merely repeat what happened."""
    if set(check.because.split(", ")) <= recorded:
        return check.condition
    return f"{check.condition} ({check.because})"


def _law(legal: LegalAssessment, names: Mapping[str, str]) -> Law:
    facts = legal.facts
    recorded = {facts.name, *facts.sectors, *facts.targets, *facts.effects}
    character = legal.characterisation
    questions = {s.key: s.question for s in character.steps} | {"wrongful-act": WRONGFUL_ACT}
    divergences = []
    for divergence in legal.divergences:
        answers: dict[str, list[str]] = {}
        for state, answer in divergence.answers.items():
            answers.setdefault(str(answer), []).append(names.get(state, state))
        answers = {answer: sorted(found) for answer, found in answers.items()}
        divergences.append(
            DivergenceRow(
                question=questions.get(divergence.step, _words(divergence.step)), answers=answers
            )
        )
    return Law(
        norms=[
            NormRow(
                code=n.code,
                title=n.title,
                addressee=n.addressee,
                finding=str(n.finding),
                triggers=[_trigger(c, recorded) for c in n.trace if c.holds],
                missing=list(n.missing),
            )
            for n in legal.norms
            if n.finding is not Finding.NOT_IMPLICATED
        ],
        not_implicated=[n.code for n in legal.norms if n.finding is Finding.NOT_IMPLICATED],
        steps=[
            StepRow(
                question=s.question,
                answer=str(s.answer),
                reasons=list(s.reasons),
                position=s.position,
            )
            for s in character.steps
        ],
        schmitt=[f"{f.name} {'?' if f.score is None else f.score}" for f in character.schmitt],
        wrongful_act=str(character.wrongful_act),
        divergences=divergences,
    )


def _options(legal: LegalAssessment) -> list[OptionRow]:
    status = {True: "open", None: "undecided", False: "closed"}
    return [
        OptionRow(
            rank=option.escalation,
            name=option.name,
            category=_words(option.category),
            status=status[option.available],
            legal_basis=option.legal_basis,
            preconditions=[
                PreconditionRow(text=p.text, holds=p.holds, because=p.because)
                for p in option.preconditions
            ],
            pros=option.pros,
            cons=option.cons,
            precedents=[
                PrecedentRow(
                    date=p.date,
                    responder=p.responder,
                    type=_words(p.type),
                    incident=p.incident,
                    summary=p.summary,
                )
                for p in precedents[:PRECEDENTS_SHOWN]
            ],
        )
        for option, precedents in legal.options
    ]


def _partners(
    profile: str | None,
    claims: ClaimsAssessment | None,
    network: Network,
    blocs: Mapping[str, Sequence[BlocMembership]],
) -> Partners:
    agreeing = [w.claim for w in claims.claims if w not in claims.dissent] if claims else []
    attributed = dict.fromkeys(
        c.attributor_name
        for c in agreeing
        if c.attributor_kind != "company" and c.attributor != profile
    )
    own = {b.bloc: b.name for b in blocs.get(profile or "", ())}
    before = [
        Partner(
            code=code,
            name=network.names.get(code, code),
            incidents=count,
            shared_blocs=[b.name for b in blocs.get(code, ()) if b.bloc in own],
        )
        for code, count in (network.partners(profile)[:PARTNERS_SHOWN] if profile else [])
    ]
    return Partners(attributed=list(attributed), before=before, blocs=list(own.values()))


def _key(found: Precedent | ResponseRecord) -> tuple[dt.date, str, str, str]:
    responder = found.responder if isinstance(found, Precedent) else found.responder.name
    return found.date, responder, found.type, found.summary


def _precedent_records(
    legal: LegalAssessment, responses: Sequence[ResponseRecord]
) -> list[ResponseRecord]:
    """The records behind the precedents the note shows, for their sources and markings."""
    shown = {_key(p) for _, found in legal.options for p in found[:PRECEDENTS_SHOWN]}
    return [r for r in responses if _key(r) in shown]


def _sources(
    subject: IncidentDetail | Scenario,
    precedents: Sequence[ResponseRecord],
    positions: Mapping[str, PositionRecord],
) -> list[SourceGroup]:
    incident = subject if isinstance(subject, IncidentDetail) else None
    responses = [*(incident.responses if incident else []), *precedents]
    groups: list[tuple[str, Sequence[SourceRecord | None]]] = [
        ("The incident", incident.sources if incident else []),
        ("Attribution claims", [c.source for c in incident.claims] if incident else []),
        ("Responses and precedents", [r.source for r in responses]),
        ("National positions", [p.source for p in positions.values()]),
    ]
    seen: set[tuple[str, str, str | None]] = set()
    found = []
    for title, sources in groups:
        fresh = []
        for source in sources:
            if (
                source is not None
                and (key := (source.publisher, source.title, source.url)) not in seen
            ):
                seen.add(key)
                fresh.append(source)
        if fresh:
            found.append(SourceGroup(title=title, sources=fresh))
    return found


def _tlp(subject: IncidentDetail | Scenario, precedents: Sequence[ResponseRecord]) -> str:
    """The most restrictive TLP 2.0 marking among the records the note draws on."""
    markings = [r.tlp for r in precedents]
    if isinstance(subject, IncidentDetail):
        markings += [subject.tlp, *(c.tlp for c in subject.claims)]
        markings += [r.tlp for r in subject.responses]
    return max(markings, key=vocabulary.TLP_2_0.index, default="clear")


# Bottom line up front ---------------------------------------------------------------------

BREACHES = {
    "sovereignty": "a violation of sovereignty",
    "intervention": "a prohibited intervention",
    "use-of-force": "a use of force",
}


def _norms_line(law: Law) -> str:
    implicated = [n for n in law.norms if n.finding == Finding.IMPLICATED]
    undecided = len(law.norms) - len(implicated)
    rest = f"; {undecided} more cannot be decided on the known facts" if undecided else ""
    if not implicated:
        return _sentence(f"No agreed norm is clearly implicated on the known facts{rest}")
    named = _listed([f"{n.code} ({_lower_first(n.title)})" for n in implicated])
    return _sentence(f"It implicates {named}{rest}")


def _law_line(legal: LegalAssessment, profile_name: str) -> str:
    character = legal.characterisation
    under = (
        f"Under the published positions of {the(profile_name)}"
        if legal.profile
        else "With no national position chosen"
    )
    under += f" and the {_words(character.standard)} standard of proof, "
    answers = {s.key: s.answer for s in character.steps}
    if character.wrongful_act is Answer.YES:
        breaches = [text for key, text in BREACHES.items() if answers.get(key) is Answer.YES]
        state = legal.facts.state_name or legal.facts.state
        who = the(state) if state else "a state"
        return _sentence(
            f"{under}it is an internationally wrongful act attributable to {who}: "
            f"{_listed(breaches)}"
        )
    if character.wrongful_act is Answer.UNDECIDED:
        open_ = [text for key, text in BREACHES.items() if answers.get(key) is Answer.UNDECIDED]
        if answers["attribution"] is Answer.UNDECIDED:
            open_.insert(0, "attribution to a state")
        return _sentence(
            f"{under}whether it is an internationally wrongful act cannot yet be decided "
            f"(open: {_listed(open_)})"
        )
    reason = (
        "attribution to a state is not established"
        if answers["attribution"] is Answer.NO
        else "no breach of sovereignty, non-intervention or the use of force is made out"
    )
    return _sentence(f"{under}it is not an internationally wrongful act: {reason}")


def _options_line(options: Sequence[OptionRow]) -> str:
    # Option names may carry a gloss after a colon ("Retorsion: expulsions, …"): not here.
    open_ = [_lower_first(o.name.split(":")[0]) for o in options if o.status == "open"]
    pending = [o for o in options if o.status == "undecided"]
    line = (
        f"Recommended, in escalating order: {_listed(open_)}"
        if open_
        else "No response option is open yet"
    )
    if pending:
        first = pending[0]
        needs = [p.text for p in first.preconditions if p.holds is None]
        line += f"; undecided for {_lower_first(first.name.split(':')[0])}: {_listed(needs)}"
    return _sentence(line)


def build(
    subject: IncidentDetail | Scenario,
    legal: LegalAssessment,
    background: Background,
    *,
    prepared: dt.date,
    claims: ClaimsAssessment | None = None,
    technical: Attribution | None = None,
    blocs: Mapping[str, Sequence[BlocMembership]] | None = None,
) -> Briefing:
    """The note on `subject`, from its legal assessment (made with `background.responses` as
    the earlier responses), its weighed claims and technical ranking where there are any.

    `blocs` gives the current blocs of the profile's state and of its partners (ISO3 → blocs).
    """
    states = background.states
    code = legal.facts.state
    if code is not None and code in states:  # scenarios name the state by its code only
        legal = replace(legal, facts=replace(legal.facts, state_name=states[code]))
    profile = legal.profile
    profile_name = states.get(profile, profile) if profile else NO_POSITION
    ranking = _technical(technical, states) if technical else None
    judgement = _judgement(subject, legal, claims, ranking)
    law = _law(legal, states)
    options = _options(legal)
    precedents = _precedent_records(legal, background.responses)
    return Briefing(
        title=f"{legal.facts.name}: attribution, norms and response options",
        subject=legal.facts.name,
        slug=legal.facts.slug,
        hypothetical=isinstance(subject, Scenario),
        prepared=prepared,
        tlp=_tlp(subject, precedents),
        classification=CLASSIFICATION,
        profile=profile,
        profile_name=profile_name,
        standard=legal.characterisation.standard,
        bottom_line=[
            judgement.sentence,
            _norms_line(law),
            _law_line(legal, profile_name),
            _options_line(options),
        ],
        happened=_happened(subject, states),
        attribution=judgement,
        law=law,
        options=options,
        partners=_partners(profile, claims, background.network, blocs or {}),
        sources=_sources(subject, precedents, background.positions.get(profile or "", {})),
    )
