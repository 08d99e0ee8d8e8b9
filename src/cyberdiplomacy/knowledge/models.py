"""The domain model: one typed SQLAlchemy 2 schema for the whole knowledge base.

Every fact-bearing table carries provenance (`source_id`, `as_of`) and a TLP 2.0 marking.
ATT&CK objects are keyed by their STIX ids, so re-importing a bundle never breaks references.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from cyberdiplomacy.knowledge import vocabulary

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class ActorKind(enum.StrEnum):
    STATE = "state"
    ORGANIZATION = "organization"
    THREAT_GROUP = "threat_group"
    COMPANY = "company"
    AGENCY = "agency"


def alias_key(name: str) -> str:
    """Normalise a name for matching: 'Fancy Bear', 'fancy-bear' and 'FANCYBEAR' are one key."""
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


class Marked:
    """Mixin: a TLP 2.0 marking and, for an organisation's own records, the organisation owning it.

    Bundled public data has no owner; `knowledge.access` decides who may read what.
    """

    id: Mapped[int]
    __tablename__: str
    tlp: Mapped[str] = mapped_column(String(16), default="clear")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    @validates("tlp")
    def _check_tlp(self, _key: str, value: str) -> str:
        return vocabulary.check("tlp", value)


class Organisation(Base):
    """An organisation whose people hold accounts: a ministry's cyber unit, a national CERT."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Account(Base):
    """A person's account: role, organisation, Argon2 password hash, and lockout state."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    poc: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()


class ApiToken(Base):
    """A personal API token: only its SHA-256 digest is kept; `prefix` names it in listings."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    account: Mapped[Account] = relationship()


class WebSession(Base):
    """A signed-in browser: the cookie's SHA-256 digest, its CSRF token and its expiry."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    account: Mapped[Account] = relationship()


class AccessGrant(Base):
    """Who else may read a marked record: an organisation (TLP:AMBER) or a person (TLP:RED)."""

    __tablename__ = "access_grant"
    __table_args__ = (Index("ix_access_grant_record", "table", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))


class RecordChange(Base):
    """One change to a curated record: who, when, and the record before and after."""

    __tablename__ = "record_change"
    __table_args__ = (Index("ix_record_change_record", "table", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    account: Mapped[Account | None] = relationship()


class Source(Marked, Base):
    """Where a fact comes from; reliability on the Admiralty scale (A-F) where judged."""

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("publisher", "title", name="publisher_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(200))
    published: Mapped[date | None] = mapped_column(Date)
    reliability: Mapped[str | None] = mapped_column(String(1))


class Provenance(Marked):
    """Mixin: the source, the date the fact was known true, and the marking."""

    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    as_of: Mapped[date | None] = mapped_column(Date)


class Actor(Provenance, Base):
    """A state, organisation (bloc, forum), threat group, company or agency."""

    __tablename__ = "actor"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[ActorKind] = mapped_column(
        Enum(
            ActorKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
        )
    )
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    iso3: Mapped[str | None] = mapped_column(String(3), unique=True)
    iso2: Mapped[str | None] = mapped_column(String(2))
    un_status: Mapped[str | None] = mapped_column(String(10))
    un_member_since: Mapped[int | None] = mapped_column(Integer)
    attack_id: Mapped[str | None] = mapped_column(String(10), unique=True)
    misp_uuid: Mapped[str | None] = mapped_column(String(36))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"))
    attribution_confidence: Mapped[int | None] = mapped_column(Integer)

    sponsor: Mapped[Actor | None] = relationship(remote_side=[id])
    aliases: Mapped[list[Alias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", order_by="Alias.name"
    )
    tags: Mapped[list[ActorTag]] = relationship(cascade="all, delete-orphan")
    source: Mapped[Source | None] = relationship()


class Alias(Base):
    """Another name of an actor; `key` is the normalised form used for matching and search."""

    __tablename__ = "alias"
    __table_args__ = (UniqueConstraint("actor_id", "key", name="actor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class ActorTag(Base):
    """A facet of a threat actor from the MISP galaxy: suspected victim, target, incident type."""

    __tablename__ = "actor_tag"
    __table_args__ = (UniqueConstraint("actor_id", "kind", "value", name="actor_kind_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(200))


class Membership(Provenance, Base):
    """A state's membership of a bloc or organisation, with dates where known."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("member_id", "bloc_id", name="member_bloc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    bloc_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    member: Mapped[Actor] = relationship(foreign_keys=[member_id])
    bloc: Mapped[Actor] = relationship(foreign_keys=[bloc_id])
    source: Mapped[Source | None] = relationship()


class Instrument(Provenance, Base):
    """A treaty, convention, protocol, resolution, report, declaration or norm set."""

    __tablename__ = "instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(String(100))
    adopted: Mapped[date | None] = mapped_column(Date)
    symbol: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(500))

    source: Mapped[Source | None] = relationship()


class Participation(Provenance, Base):
    """An actor's standing towards an instrument: signed, party, observer, endorsed, voted…"""

    __tablename__ = "participation"
    __table_args__ = (
        UniqueConstraint("actor_id", "instrument_id", "status", name="actor_instrument_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instrument.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(30))
    date: Mapped[date | None] = mapped_column(Date)
    reservations: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[Actor] = relationship()
    instrument: Mapped[Instrument] = relationship()
    source: Mapped[Source | None] = relationship()


class VocabularyTerm(Base):
    """A value of a MISP taxonomy (estimative language, admiralty scale, TLP, harms, sectors)."""

    __tablename__ = "vocabulary_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(80), index=True)
    predicate: Mapped[str] = mapped_column(String(120))
    value: Mapped[str | None] = mapped_column(String(200))
    machinetag: Mapped[str] = mapped_column(String(400), unique=True)
    expanded: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    numerical_value: Mapped[float | None] = mapped_column()


class AttackObject(Base):
    """An ATT&CK object: technique, software, group, campaign, tactic, mitigation…"""

    __tablename__ = "attack_object"
    __table_args__ = (Index("ix_attack_object_type_attack_id", "type", "attack_id"),)

    stix_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    domain: Mapped[str] = mapped_column(String(40), index=True)
    attack_id: Mapped[str | None] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(300))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    deprecated: Mapped[bool] = mapped_column(Boolean, default=False)
    is_subtechnique: Mapped[bool] = mapped_column(Boolean, default=False)
    tactics: Mapped[list[str]] = mapped_column(default=list)
    platforms: Mapped[list[str]] = mapped_column(default=list)
    aliases: Mapped[list[str]] = mapped_column(default=list)
    modified: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actor.id", ondelete="SET NULL"), index=True
    )

    actor: Mapped[Actor | None] = relationship()


class AttackRelationship(Base):
    """A STIX relationship between ATT&CK objects: uses, subtechnique-of, revoked-by, …"""

    __tablename__ = "attack_relationship"

    stix_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    domain: Mapped[str] = mapped_column(String(40), index=True)
    source_ref: Mapped[str] = mapped_column(String(80), index=True)
    target_ref: Mapped[str] = mapped_column(String(80), index=True)
    description: Mapped[str | None] = mapped_column(Text)


class ImportRun(Base):
    """One completed import: what was read, when, and how many records it brought."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    importer: Mapped[str] = mapped_column(String(40), index=True)
    origin: Mapped[str] = mapped_column(String(500))
    finished: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Norm(Provenance, Base):
    """A norm or principle within an instrument, e.g. GGE-2015-13f (no harm to critical infra)."""

    __tablename__ = "norm"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)

    instrument: Mapped[Instrument] = relationship()


incident_source = Table(
    "incident_source",
    Base.metadata,
    Column("incident_id", ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ForeignKey("source.id", ondelete="CASCADE"), primary_key=True),
)
incident_victim = Table(
    "incident_victim",
    Base.metadata,
    Column("incident_id", ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True, index=True),
)
incident_actor = Table(
    "incident_actor",
    Base.metadata,
    Column("incident_id", ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Incident(Provenance, Base):
    """A significant cyber operation: what happened, to whom, how, and with what effects."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    started: Mapped[date] = mapped_column(Date, index=True)
    ended: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    incident_type: Mapped[str] = mapped_column(String(40))
    sectors: Mapped[list[str]] = mapped_column(default=list)
    effects: Mapped[list[str]] = mapped_column(default=list)
    targets: Mapped[list[str]] = mapped_column(default=list)
    techniques: Mapped[list[str]] = mapped_column(default=list)
    software: Mapped[list[str]] = mapped_column(default=list)
    armed_conflict: Mapped[bool] = mapped_column(Boolean, default=False)

    sources: Mapped[list[Source]] = relationship(
        secondary=incident_source, order_by=(Source.published, Source.publisher, Source.title)
    )
    victims: Mapped[list[Actor]] = relationship(secondary=incident_victim, order_by=Actor.name)
    actors: Mapped[list[Actor]] = relationship(secondary=incident_actor, order_by=Actor.name)


class AttributionClaim(Provenance, Base):
    """A public statement by a government, alliance or company naming who is behind an incident."""

    __tablename__ = "attribution_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    attributor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), index=True)
    attributed_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"))
    attributed_state_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    form: Mapped[str] = mapped_column(String(30))
    likelihood: Mapped[str | None] = mapped_column(String(30))
    confidence: Mapped[str | None] = mapped_column(String(10))
    state_responsibility: Mapped[str | None] = mapped_column(String(40))
    joint_statement: Mapped[str | None] = mapped_column(String(120))
    statement: Mapped[str | None] = mapped_column(Text)

    incident: Mapped[Incident] = relationship()
    attributor: Mapped[Actor] = relationship(foreign_keys=[attributor_id])
    attributed_actor: Mapped[Actor | None] = relationship(foreign_keys=[attributed_actor_id])
    attributed_state: Mapped[Actor | None] = relationship(foreign_keys=[attributed_state_id])
    source: Mapped[Source | None] = relationship()


class Response(Provenance, Base):
    """A measure taken by a state or organisation in answer to an incident or an actor."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    responder_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"))
    type: Mapped[str] = mapped_column(String(30))
    toolbox: Mapped[str | None] = mapped_column(String(40))
    date: Mapped[date] = mapped_column(Date)
    joint_statement: Mapped[str | None] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)

    responder: Mapped[Actor] = relationship(foreign_keys=[responder_id])
    incident: Mapped[Incident | None] = relationship()
    target: Mapped[Actor | None] = relationship(foreign_keys=[target_id])
    source: Mapped[Source | None] = relationship()


class Position(Provenance, Base):
    """A state's stance on a contested question (sovereignty as a rule, due diligence, …)."""

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("actor_id", "issue", name="actor_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    issue: Mapped[str] = mapped_column(String(60), index=True)
    stance: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    date: Mapped[date | None] = mapped_column(Date)

    actor: Mapped[Actor] = relationship()
    source: Mapped[Source | None] = relationship()


class RollCall(Provenance, Base):
    """One recorded vote of the UN General Assembly: on a resolution, an amendment or a paragraph.

    `key` names the roll call in its source ("voeten:6073", "undl:4025240") so that re-importing
    a file replaces what it brought before; `symbol` is normalised to A/RES/73/27 form.
    """

    __tablename__ = "roll_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    session: Mapped[int] = mapped_column(Integer, index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    symbol: Mapped[str | None] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    issues: Mapped[list[str]] = mapped_column(default=list)
    amendment: Mapped[bool] = mapped_column(Boolean, default=False)
    paragraph: Mapped[bool] = mapped_column(Boolean, default=False)
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str | None] = mapped_column(String(300))


class Voter(Base):
    """A member as it voted: a state of the knowledge base, or a historical state (USSR, GDR…).

    `code` is the ISO 3166-1 alpha-3 code the member bore when it voted (SUN, YUG, CSK, DDR and
    YMD for dissolved states); `actor_id` links current states to their actor.
    """

    __tablename__ = "voter"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actor.id", ondelete="SET NULL"), index=True
    )

    actor: Mapped[Actor | None] = relationship()


class Vote(Base):
    """How one member voted on one roll call: 1 yes, 2 abstain, 3 no, 8 recorded as not voting."""

    __tablename__ = "vote"
    __table_args__ = ({"sqlite_with_rowid": False},)  # clustered by its key: smaller, faster

    roll_call_id: Mapped[int] = mapped_column(
        ForeignKey("roll_call.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: Mapped[int] = mapped_column(
        ForeignKey("voter.id", ondelete="CASCADE"), primary_key=True
    )
    vote: Mapped[int] = mapped_column(SmallInteger)
