"""Controlled vocabularies from the MISP taxonomies shipped by `pytaxonomies`.

The model accepts only values these taxonomies define, so a TLP marking, a likelihood phrase or a
harm type means the same here as in MISP and in partners' tools.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from pytaxonomies.api import Taxonomies

from cyberdiplomacy.errors import InvalidQuery

NAMESPACES = (
    "estimative-language",
    "admiralty-scale",
    "state-responsibility",
    "tlp",
    "organizational-cyber-harm",
    "dhs-ciip-sectors",
    "nis2",
)

# TLP 2.0 is the subset of the `tlp` taxonomy without the 1.0 "white" and MISP's extensions.
TLP_2_0 = ("clear", "green", "amber", "amber+strict", "red")


@dataclass(frozen=True)
class Term:
    """One value of a taxonomy, with its machine tag (`namespace:predicate="value"`)."""

    namespace: str
    predicate: str
    value: str | None
    machinetag: str
    expanded: str | None
    description: str | None
    numerical_value: float | None


@lru_cache(maxsize=1)
def _taxonomies() -> Taxonomies:
    return Taxonomies()


def terms(namespace: str) -> Iterator[Term]:
    """Every value the taxonomy `namespace` defines: entries, or predicates where it has none."""
    taxonomy = _taxonomies()[namespace]
    for predicate in taxonomy.predicates.values():
        if not predicate.entries:
            yield Term(
                namespace,
                predicate.predicate,
                None,
                f"{namespace}:{predicate.predicate}",
                predicate.expanded,
                predicate.description,
                getattr(predicate, "numerical_value", None),
            )
            continue
        for entry in predicate.entries.values():
            yield Term(
                namespace,
                predicate.predicate,
                entry.value,
                f'{namespace}:{predicate.predicate}="{entry.value}"',
                entry.expanded,
                entry.description,
                None if entry.numerical_value is None else float(entry.numerical_value),
            )


@cache
def allowed(namespace: str, predicate: str | None = None) -> frozenset[str]:
    """Allowed values: the predicates of `namespace`, or the entries under one `predicate`."""
    if namespace == "tlp":
        return frozenset(TLP_2_0)
    found = [t for t in terms(namespace) if predicate is None or t.predicate == predicate]
    return frozenset(str(t.value) if predicate else t.predicate for t in found if t.predicate)


def check(namespace: str, value: str, predicate: str | None = None) -> str:
    """Return `value` if the taxonomy allows it, else raise `InvalidQuery` naming the options."""
    options = allowed(namespace, predicate)
    if value not in options:
        where = f"{namespace}:{predicate}" if predicate else namespace
        raise InvalidQuery(where, f"{value!r} is not one of {', '.join(sorted(options))}")
    return value
