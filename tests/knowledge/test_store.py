"""The importers' write helpers: find-or-create by natural key, deterministic aliases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import Actor, ActorKind, Source, alias_key


def group(name: str = "Sandworm Team") -> Actor:
    return Actor(slug=store.slugify(name), kind=ActorKind.THREAT_GROUP, name=name)


def test_alias_keys_ignore_case_spaces_and_punctuation() -> None:
    assert alias_key("Fancy Bear") == alias_key("fancy-bear") == alias_key("FANCYBEAR")
    assert alias_key("TEMP.Noble") == "tempnoble"
    assert alias_key("!!") == ""


def test_aliases_drop_the_own_name_blanks_and_duplicates() -> None:
    actor = group()
    store.set_aliases(actor, ["Sandworm team", "Telebots", "TeleBots ", "", "  ", "APT44"])
    assert [a.key for a in actor.aliases] == ["apt44", "telebots"]
    assert all(a.name == a.name.strip() for a in actor.aliases)


def test_alias_spelling_does_not_depend_on_input_order() -> None:
    spellings = ["VOODOO BEAR", "Voodoo Bear", "voodoo-bear", "IRON VIKING", "Iron Viking"]
    first, second = group(), group()
    store.set_aliases(first, spellings)
    store.set_aliases(second, list(reversed(spellings)))
    assert [a.name for a in first.aliases] == [a.name for a in second.aliases]
    assert len(first.aliases) == 2


def test_setting_the_same_aliases_again_keeps_the_alias_objects() -> None:
    actor = group()
    store.set_aliases(actor, ["APT44", "Telebots"])
    before = list(actor.aliases)
    store.set_aliases(actor, ["Telebots", "APT44"])
    assert all(a is b for a, b in zip(actor.aliases, before, strict=True))


def test_slugs_are_lower_case_ascii_words() -> None:
    assert store.slugify("APT-C-36 (Blind Eagle)") == "apt-c-36-blind-eagle"
    assert store.slugify("Café Żółć") == "caf"
    assert store.slugify("???") == "unnamed"


def test_sources_are_found_by_publisher_and_title_and_keep_known_details(engine: Engine) -> None:
    with transaction(engine) as session:
        first = store.source(session, publisher="NATO", title="Members", url="https://a.example")
        again = store.source(session, publisher="NATO", title="Members", published=date(2024, 3, 7))
        other = store.source(session, publisher="EU", title="Members")
    with transaction(engine) as session:
        count = session.scalar(select(func.count()).select_from(Source))
        stored = session.get(Source, first.id)
    assert first.id == again.id != other.id
    assert count == 2
    # A later citation that omits the URL keeps the one an earlier citation confirmed.
    assert stored is not None and stored.published == date(2024, 3, 7)
    assert stored.url == "https://a.example"
