"""Who may mark what: TLP 2.0 markings are raised by a record's owners and lowered by curators."""

from __future__ import annotations

from cyberdiplomacy.errors import Forbidden
from cyberdiplomacy.knowledge.access import Role, Viewer
from cyberdiplomacy.knowledge.models import Marked

# From the widest audience to the narrowest.
ORDER = ("clear", "green", "amber", "amber+strict", "red")


def narrower(new: str, old: str) -> bool:
    """True when `new` shares a record with fewer people than `old`."""
    return ORDER.index(new) > ORDER.index(old)


def may_edit(viewer: Viewer, record: Marked) -> bool:
    """An analyst edits their organisation's records; a curator edits any record they can read."""
    if viewer.may(Role.CURATOR):
        return True
    owned = record.owner_id is not None and record.owner_id == viewer.organisation_id
    return owned and viewer.may(Role.ANALYST)


def check_edit(viewer: Viewer, record: Marked) -> None:
    """`Forbidden` unless `may_edit`, saying what it would take."""
    if not viewer.may(Role.ANALYST):
        raise Forbidden("change records", "the analyst role")
    if not may_edit(viewer, record):
        raise Forbidden("change this record", "its organisation, or the curator role")


def check_marking(viewer: Viewer, old: str, new: str) -> None:
    """Raising a marking (or keeping it) is an edit; lowering it is a curator's decision."""
    if new != old and not narrower(new, old) and not viewer.may(Role.CURATOR):
        raise Forbidden(f"lower the marking from TLP:{old.upper()}", "the curator role")
