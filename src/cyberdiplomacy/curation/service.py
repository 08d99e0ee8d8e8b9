"""Use cases of curation: create, edit, share and revert records, keeping every change.

Analysts write through the same schemas and linking as the bundled YAML, so a record entered
by hand obeys the same rules; nothing is saved when any rule fails. Each write stores one
`RecordChange` with the record before and after, readable by whoever may read the record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cyberdiplomacy.curation import markings, snapshots
from cyberdiplomacy.errors import Conflict, Forbidden, ImportFailed, InvalidRecord, NotFound
from cyberdiplomacy.knowledge.access import Reader, Role
from cyberdiplomacy.knowledge.models import (
    AccessGrant,
    Account,
    AttributionClaim,
    Incident,
    Marked,
    Organisation,
    RecordChange,
    Response,
)
from cyberdiplomacy.sources import schemas
from cyberdiplomacy.sources.incidents import fill_claim, fill_incident, fill_response
from cyberdiplomacy.sources.references import References

M = TypeVar("M", bound=Marked)
S = TypeVar("S", bound=schemas.Sourced)


@dataclass(frozen=True)
class Kind(Generic[M, S]):
    """A kind of curated record: its table, its schema, and how to read and write it."""

    name: str
    model: type[M]
    schema: type[S]
    snapshot: Callable[[M], S]
    fill: Callable[[References, M, int | None, S], M]


INCIDENT = Kind("incident", Incident, schemas.Incident, snapshots.incident, fill_incident)
CLAIM = Kind("claim", AttributionClaim, schemas.Claim, snapshots.claim, fill_claim)
RESPONSE = Kind("response", Response, schemas.Response, snapshots.response, fill_response)
KINDS: dict[str, Kind[Any, Any]] = {k.model.__tablename__: k for k in (INCIDENT, CLAIM, RESPONSE)}


class Change(BaseModel):
    """One change as shown on a record's page."""

    id: int
    at: datetime
    by: str | None
    action: str
    fields: list[str]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def parse(kind: Kind[Any, S], data: Mapping[str, Any]) -> S:
    """Validate raw input (a form, a JSON body) as `kind`; every bad field is named at once."""
    try:
        return kind.schema.model_validate(data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "record"
            fields.setdefault(where, error["msg"].removeprefix("Value error, "))
        raise InvalidRecord(kind.name, fields) from None


def find(reader: Reader, kind: Kind[M, Any], key: str | int) -> M:
    """A record the viewer may read, by slug (incidents) or id; else NotFound."""
    model = kind.model
    column = model.slug if kind is INCIDENT else model.id  # type: ignore[attr-defined]
    if kind is not INCIDENT and not str(key).isdigit():
        raise NotFound(kind.name, str(key))
    found = reader.session.scalar(
        select(model).where(column == (key if kind is INCIDENT else int(key)))
    )
    if found is None:
        raise NotFound(kind.name, str(key))
    return found


def _dump(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _log(
    reader: Reader, record: Marked, action: str, before: BaseModel | None, after: BaseModel | None
) -> None:
    reader.session.add(
        RecordChange(
            table=record.__tablename__,
            record_id=record.id,
            account_id=reader.viewer.user_id,
            at=datetime.now(UTC),
            action=action,
            before=_dump(before) if before else None,
            after=_dump(after) if after else None,
        )
    )


def _write(reader: Reader, kind: Kind[M, S], record: M, data: S) -> M:
    """Link and store `data` into `record`; a broken reference or taken key fails it whole."""
    refs = References(reader.session, kind.name)
    try:
        with reader.session.no_autoflush:  # a half-filled record must not reach the database
            kind.fill(refs, record, None, data)
        reader.session.add(record)
        reader.session.flush()
    except ImportFailed as exc:  # a reference that does not resolve, as the viewer sees it
        field, _, reason = exc.reason.partition(": ")
        raise InvalidRecord(kind.name, {field: reason}) from None
    except IntegrityError:
        raise Conflict(f"Another {kind.name} is stored under this key already.") from None
    if record.tlp == "red":
        _grant(reader, record, user_id=reader.viewer.user_id)
    return record


def create(reader: Reader, kind: Kind[M, S], data: S) -> M:
    """Store a new record owned by the viewer's organisation."""
    viewer = reader.viewer
    if not viewer.may(Role.ANALYST):
        raise Forbidden(f"create {kind.name}s", "the analyst role")
    if viewer.organisation_id is None and not viewer.system:
        raise Forbidden(f"create {kind.name}s", "an account in an organisation")
    record = kind.model()
    record.owner_id = viewer.organisation_id
    _write(reader, kind, record, data)
    _log(reader, record, "create", None, data)
    return record


def update(reader: Reader, kind: Kind[M, S], key: str | int, data: S) -> M:
    """Replace a record's content; its key, owner and history stay."""
    record = find(reader, kind, key)
    markings.check_edit(reader.viewer, record)
    markings.check_marking(reader.viewer, record.tlp, data.tlp)
    before = kind.snapshot(record)
    if (
        isinstance(record, Incident)
        and isinstance(data, schemas.Incident)
        and data.slug != record.slug
    ):
        raise InvalidRecord(kind.name, {"slug": "an incident keeps its slug; create a new one"})
    _write(reader, kind, record, data)
    _log(reader, record, "update", before, data)
    return record


def history(reader: Reader, kind: Kind[Any, Any], key: str | int) -> list[Change]:
    """Every change to a record the viewer may read, newest first."""
    record = find(reader, kind, key)
    rows = reader.session.execute(
        select(RecordChange, Account.username)
        .outerjoin(Account, RecordChange.account_id == Account.id)
        .where(RecordChange.table == record.__tablename__, RecordChange.record_id == record.id)
        .order_by(RecordChange.at.desc(), RecordChange.id.desc())
    ).all()
    return [
        Change(
            id=change.id,
            at=change.at,
            by=username,
            action=change.action,
            fields=_differing(change.before, change.after),
            before=change.before,
            after=change.after,
        )
        for change, username in rows
    ]


def _differing(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def revert(reader: Reader, change_id: int) -> Marked | None:
    """Undo one change (a curator's call): restore the record as it was before it.

    Reverting a creation deletes the record; the revert is itself kept in the history.
    """
    if not reader.viewer.may(Role.CURATOR):
        raise Forbidden("revert changes", "the curator role")
    change = reader.session.get(RecordChange, change_id)
    kind = KINDS.get(change.table) if change else None
    if change is None or kind is None:
        raise NotFound("change", str(change_id))
    record = reader.session.scalar(select(kind.model).where(kind.model.id == change.record_id))
    if record is None:
        raise NotFound("change", str(change_id))
    current = kind.snapshot(record)
    if change.before is None:
        _log(reader, record, "delete", current, None)
        reader.session.delete(record)
        reader.session.flush()
        return None
    restored = parse(kind, change.before)
    _write(reader, kind, record, restored)
    _log(reader, record, "revert", current, restored)
    return record  # type: ignore[no-any-return]  # KINDS hold Marked models


def _grant(
    reader: Reader,
    record: Marked,
    *,
    user_id: int | None = None,
    organisation_id: int | None = None,
) -> None:
    table = record.__tablename__
    exists = reader.session.scalar(
        select(AccessGrant.id).where(
            AccessGrant.table == table,
            AccessGrant.record_id == record.id,
            AccessGrant.user_id.is_(None) if user_id is None else AccessGrant.user_id == user_id,
            AccessGrant.organisation_id.is_(None)
            if organisation_id is None
            else AccessGrant.organisation_id == organisation_id,
        )
    )
    if exists is None and (user_id or organisation_id):
        reader.session.add(
            AccessGrant(
                table=table, record_id=record.id, user_id=user_id, organisation_id=organisation_id
            )
        )
        reader.session.flush()


def share(
    reader: Reader,
    kind: Kind[Any, Any],
    key: str | int,
    *,
    organisation: str | None = None,
    user: str | None = None,
) -> None:
    """Share a record: TLP:AMBER with another organisation, TLP:RED with a named person."""
    record = find(reader, kind, key)
    markings.check_edit(reader.viewer, record)
    if (organisation is None) == (user is None):
        raise InvalidRecord("share", {"with": "name one organisation or one person"})
    session = reader.session
    if organisation is not None:
        found_org = session.scalar(select(Organisation).where(Organisation.slug == organisation))
        if found_org is None:
            raise NotFound("organisation", organisation)
        _grant(reader, record, organisation_id=found_org.id)
    else:
        found_user = session.scalar(select(Account).where(Account.username == user))
        if found_user is None:
            raise NotFound("account", str(user))
        _grant(reader, record, user_id=found_user.id)
    _log(reader, record, "share", None, None)
