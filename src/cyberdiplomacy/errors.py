"""The workbench's exceptions, one root and a subclass per condition.

CyberDiplomacyError
├── NotFound            a record asked for by key does not exist (HTTP 404)
├── InvalidQuery        a filter or parameter cannot be used (HTTP 400)
│   └── UnknownAttackIds  observed ATT&CK ids that are malformed or unknown (names them all)
├── ImportFailed        a source file cannot be read or violates its format (names file, line, id)
└── DatabaseNotReady    the knowledge base has no schema or no data yet
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


class DatabaseNotReady(CyberDiplomacyError):
    """The knowledge base exists but has not been initialised."""

    status = 503
    title = "Knowledge base not ready"

    def message(self) -> str:
        return "The knowledge base is empty or out of date. Run `cyberdiplomacy init` to build it."
