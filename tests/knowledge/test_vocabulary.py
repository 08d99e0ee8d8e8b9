"""Controlled vocabularies come from the MISP taxonomies; TLP markings are TLP 2.0 only."""

from __future__ import annotations

import pytest
from pytaxonomies.api import Taxonomies
from sqlalchemy import Engine, select

from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import vocabulary
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import Actor, ActorKind, Membership


def taxonomy_values(namespace: str, predicate: str | None = None) -> set[str]:
    """What pytaxonomies itself lists: predicates, or the entries under one predicate."""
    taxonomy = Taxonomies()[namespace]
    if predicate is None:
        return set(taxonomy.predicates)
    return set(taxonomy.predicates[predicate].entries)


def test_tlp_markings_are_the_tlp_2_0_subset_of_the_misp_taxonomy() -> None:
    allowed = vocabulary.allowed("tlp")
    assert allowed == {"clear", "green", "amber", "amber+strict", "red"}
    assert allowed <= taxonomy_values("tlp")
    assert "white" in taxonomy_values("tlp")  # TLP 1.0, deliberately not accepted


@pytest.mark.parametrize(
    ("namespace", "predicate"),
    [
        ("estimative-language", "likelihood-probability"),
        ("estimative-language", "confidence-in-analytic-judgment"),
        ("admiralty-scale", "source-reliability"),
        ("state-responsibility", None),
    ],
)
def test_allowed_values_come_from_pytaxonomies(namespace: str, predicate: str | None) -> None:
    assert vocabulary.allowed(namespace, predicate) == taxonomy_values(namespace, predicate)


def test_likelihood_phrases_are_the_icd_203_scale() -> None:
    phrases = vocabulary.allowed("estimative-language", "likelihood-probability")
    assert {"almost-no-chance", "roughly-even-chance", "very-likely", "almost-certain"} <= phrases


def test_check_names_the_vocabulary_and_its_options() -> None:
    assert vocabulary.check("estimative-language", "likely", "likelihood-probability") == "likely"
    with pytest.raises(InvalidQuery) as failure:
        vocabulary.check("estimative-language", "probably", "likelihood-probability")
    assert failure.value.parameter == "estimative-language:likelihood-probability"
    assert "'probably'" in failure.value.reason and "very-likely" in failure.value.reason


def test_terms_carry_misp_machine_tags() -> None:
    terms = {t.machinetag: t for t in vocabulary.terms("estimative-language")}
    tag = 'estimative-language:likelihood-probability="almost-certain"'
    assert tag in terms
    assert terms[tag].numerical_value is not None


@pytest.mark.parametrize("marking", ["white", "purple", "CLEAR", "", "tlp:clear"])
def test_setting_an_unknown_tlp_marking_raises_invalid_query(marking: str) -> None:
    actor = Actor(slug="x", kind=ActorKind.STATE, name="X")
    with pytest.raises(InvalidQuery) as failure:
        actor.tlp = marking
    assert failure.value.parameter == "tlp"
    with pytest.raises(InvalidQuery):
        Membership(member_id=1, bloc_id=2, tlp=marking)


def test_records_are_clear_by_default_and_keep_their_marking(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add_all(
            [
                Actor(slug="public", kind=ActorKind.AGENCY, name="Public"),
                Actor(slug="secret", kind=ActorKind.AGENCY, name="Secret", tlp="amber+strict"),
            ]
        )
    with transaction(engine) as session:
        markings = dict(session.execute(select(Actor.slug, Actor.tlp)).all())
        secret = session.scalars(select(Actor).where(Actor.slug == "secret")).one()
        with pytest.raises(InvalidQuery):
            secret.tlp = "white"
    assert markings == {"public": "clear", "secret": "amber+strict"}
