"""The workbench's exceptions, one root and a subclass per condition.

CyberDiplomacyError
├── NotFound            a record asked for by key does not exist (HTTP 404)
├── InvalidQuery        a filter or parameter cannot be used (HTTP 400)
│   └── UnknownAttackIds  observed ATT&CK ids that are malformed or unknown (names them all)
├── ImportFailed        a source file cannot be read or violates its format (names file, line, id)
├── InvalidRecord       a record entered by hand breaks its kind's rules (names each field, 422)
├── Conflict            a write clashes with what is stored, e.g. a taken slug (HTTP 409)
├── NoAttackData        the technical ranking needs an ATT&CK import first (HTTP 503)
├── DatabaseNotReady    the knowledge base has no schema or no data yet
├── CrossSiteRequest    a state-changing form posted from another site (HTTP 403)
├── Busy                too many costly analyses running at once; try again shortly (HTTP 429)
├── AccessError         who may do what
│   ├── NotSignedIn       no credentials, or invalid ones (HTTP 401)
│   ├── Forbidden         signed in, but the role, ownership or marking does not allow it (403)
│   ├── LoginThrottled    too many failed sign-ins (HTTP 429)
│   └── AccountExists     an account or organisation of that name exists (HTTP 409)
└── HotlineError        the hotline node cannot do what was asked
    ├── NoHotlineNode       the workbench was started without a hotline node
    ├── NodeNotInitialised  the directory holds no hotline identity yet
    ├── NodeExists          `hotline init` on a directory that already holds one
    ├── KeyLocked           the private keys are passphrase-protected and the passphrase is wrong
    ├── UnknownPeer         a peer (or a message) named by the user is not in the node's store
    ├── InvalidCard         a contact card is malformed, badly signed or contradicts a trusted key
    ├── Rejected            a delivery, ack, receipt query or ping refused (carries code and status)
    └── AuditLogInconsistent  `hotline log verify` found edits, deletions, reordering or truncation
"""

from __future__ import annotations


class CyberDiplomacyError(Exception):
    """Root of every error the workbench raises on purpose."""

    status = 500
    title = "Workbench error"

    def __str__(self) -> str:
        return self.message()

    def message(self) -> str:
        return " ".join(str(a) for a in self.args) or self.title


class NotFound(CyberDiplomacyError):
    """A record asked for by its key does not exist."""

    status = 404
    title = "Not found"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(kind, key)
        self.kind = kind
        self.key = key

    def message(self) -> str:
        return f"No {self.kind} {self.key!r} in the knowledge base."


class InvalidQuery(CyberDiplomacyError):
    """A parameter cannot be used as given."""

    status = 400
    title = "Invalid query"

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(parameter, reason)
        self.parameter = parameter
        self.reason = reason

    def message(self) -> str:
        return f"Invalid {self.parameter}: {self.reason}"


class UnknownAttackIds(InvalidQuery):
    """Observed ids that are malformed or that no current or revoked ATT&CK object bears."""

    def __init__(self, unknown: tuple[str, ...] = (), malformed: tuple[str, ...] = ()) -> None:
        parts = []
        if unknown:
            parts.append(f"unknown {', '.join(unknown)}")
        if malformed:
            parts.append(
                f"malformed {', '.join(repr(m) for m in malformed)} "
                "(expected T1234, T1234.001, S1234, or ISO 3166-1 alpha-3 for victims)"
            )
        super().__init__("observed ids", "; ".join(parts))
        self.unknown = unknown
        self.malformed = malformed


class ImportFailed(CyberDiplomacyError):
    """A source cannot be imported; nothing of it was written."""

    status = 422
    title = "Import failed"

    def __init__(
        self, source: str, reason: str, *, line: int | None = None, ref: str | None = None
    ):
        super().__init__(source, reason)
        self.source = source
        self.reason = reason
        self.line = line
        self.ref = ref

    def message(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.ref:
            where += f", {self.ref}"
        return f"{where}: {self.reason}"


class InvalidRecord(CyberDiplomacyError):
    """A record entered by hand breaks the rules its kind follows; `fields` says which and why."""

    status = 422
    title = "Invalid record"

    def __init__(self, kind: str, fields: dict[str, str]) -> None:
        super().__init__(kind, fields)
        self.kind = kind
        self.fields = fields

    def message(self) -> str:
        listed = "; ".join(f"{field}: {reason}" for field, reason in self.fields.items())
        return f"The {self.kind} was not saved: {listed}"


class Conflict(CyberDiplomacyError):
    """A write clashes with what is stored: a taken key, or a change that no longer applies."""

    status = 409
    title = "Conflict"


class NoAttackData(CyberDiplomacyError):
    """The technical ranking needs ATT&CK, which this knowledge base has not imported."""

    status = 503
    title = "ATT&CK not imported"

    def message(self) -> str:
        return "No ATT&CK data is imported yet: run `cyberdiplomacy import attack PATH` first."


class DatabaseNotReady(CyberDiplomacyError):
    """The knowledge base exists but has not been initialised."""

    status = 503
    title = "Knowledge base not ready"

    def message(self) -> str:
        return "The knowledge base is empty or out of date. Run `cyberdiplomacy init` to build it."


class CrossSiteRequest(CyberDiplomacyError):
    """A state-changing form posted from another site (or with no sign of where from)."""

    status = 403
    title = "Cross-site request refused"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def message(self) -> str:
        return (
            f"This form changes what the workbench holds and may have come from another site "
            f"({self.reason}). Open the page on the workbench and submit it there."
        )


class AccessError(CyberDiplomacyError):
    """Root of the errors about who may do what."""


class NotSignedIn(AccessError):
    """The request needs an account: no credentials, or credentials that are not valid."""

    status = 401
    title = "Sign-in required"

    def __init__(self, reason: str = "Sign in, or send a valid API token.") -> None:
        super().__init__(reason)
        self.reason = reason


class Forbidden(AccessError):
    """The viewer is known but may not do this (role, ownership or marking)."""

    status = 403
    title = "Forbidden"

    def __init__(self, action: str, needs: str) -> None:
        super().__init__(action, needs)
        self.action = action
        self.needs = needs

    def message(self) -> str:
        return f"You may not {self.action}: it needs {self.needs}."


class LoginThrottled(AccessError):
    """Too many failed sign-ins for this account or address; try again later."""

    status = 429
    title = "Too many sign-in attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after

    def message(self) -> str:
        return f"Too many failed sign-ins; try again in {self.retry_after} s."


class Busy(CyberDiplomacyError):
    """Every slot for costly analyses (fits, forecasts) is taken; try again shortly."""

    status = 429
    title = "Too busy"

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after

    def message(self) -> str:
        return f"Other analyses are running; try again in {self.retry_after} s."


class AccountExists(AccessError):
    """An account or organisation with this name exists already."""

    status = 409
    title = "Exists already"

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(kind, name)
        self.kind = kind
        self.name = name

    def message(self) -> str:
        return f"The {self.kind} {self.name!r} exists already."


class HotlineError(CyberDiplomacyError):
    """Root of the hotline's errors: a node, a peer or a message cannot be used as asked."""

    status = 400
    title = "Hotline error"


class NoHotlineNode(HotlineError):
    """The workbench was started without a hotline node (`serve --hotline DIR`)."""

    status = 409
    title = "No hotline node"

    def message(self) -> str:
        return (
            "The workbench is not pointed at a hotline node: start it with "
            "`cyberdiplomacy serve --hotline DIR` or set CYBERDIPLOMACY_HOTLINE_DIR."
        )


class NodeNotInitialised(HotlineError):
    """The directory has no identity: `hotline init` has not been run there."""

    status = 409
    title = "Hotline node not initialised"

    def __init__(self, directory: str) -> None:
        super().__init__(directory)
        self.directory = directory

    def message(self) -> str:
        return f"{self.directory} holds no hotline node; run `cyberdiplomacy hotline init` first."


class NodeExists(HotlineError):
    """`hotline init` would overwrite an identity, which would orphan every peer's trust in it."""

    status = 409
    title = "Hotline node exists"

    def __init__(self, directory: str) -> None:
        super().__init__(directory)
        self.directory = directory

    def message(self) -> str:
        return f"{self.directory} already holds a hotline node; its keys are kept as they are."


class KeyLocked(HotlineError):
    """The private keys are passphrase-protected and no passphrase, or a wrong one, was given."""

    status = 403
    title = "Private keys locked"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def message(self) -> str:
        return f"Cannot unlock the node's private keys: {self.reason}"


class UnknownPeer(HotlineError):
    """A peer or message named by the user is not in this node's store."""

    status = 404
    title = "Unknown peer or message"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(kind, key)
        self.kind = kind
        self.key = key

    def message(self) -> str:
        hint = " (add it with `hotline peer add`)" if self.kind == "peer" else ""
        return f"No {self.kind} {self.key!r} on this node{hint}."


class InvalidCard(HotlineError):
    """A contact card cannot be trusted as given."""

    status = 422
    title = "Invalid contact card"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def message(self) -> str:
        return f"Contact card refused: {self.reason}"


class Rejected(HotlineError):
    """A node refused a document; `code` is stable for scripts, `status` is the HTTP status."""

    title = "Rejected"

    def __init__(self, code: str, reason: str, status: int = 400) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason
        self.status = status

    def message(self) -> str:
        return f"{self.code}: {self.reason}"


class AuditLogInconsistent(HotlineError):
    """The audit log does not match its signed tree heads: it was edited, cut or reordered."""

    status = 409
    title = "Audit log inconsistent"

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__(*problems)
        self.problems = problems

    def message(self) -> str:
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"audit log inconsistent: {self.problems[0]}{more}"
