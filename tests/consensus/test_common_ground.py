"""Common ground: support per state for draft provisions, and the broadest package."""

from __future__ import annotations

import pytest
from unga_tables import TableOf

from cyberdiplomacy.consensus.agreement import agreement_matrix
from cyberdiplomacy.consensus.common_ground import Provision, common_ground, support_matrix
from cyberdiplomacy.errors import InvalidQuery

PROVISIONS = [
    Provision(id="ihl", text="IHL applies", issues={"ihl-applies": "yes"}),
    Provision(
        id="treaty", text="A new treaty", issues={"new-binding-instrument": "yes"}, group="f"
    ),
    Provision(
        id="norms", text="Existing norms", issues={"new-binding-instrument": "no"}, group="f"
    ),
    Provision(id="ms", text="Multistakeholder", issues={"multistakeholder-governance": "yes"}),
]
POSITIONS = {
    "AAA": {
        "ihl-applies": "yes",
        "new-binding-instrument": "no",
        "multistakeholder-governance": "yes",
    },
    "BBB": {
        "ihl-applies": "yes",
        "new-binding-instrument": "no",
        "multistakeholder-governance": "no",
    },
    "CCC": {"ihl-applies": "qualified", "new-binding-instrument": "yes"},
}
STATES = ["AAA", "BBB", "CCC", "DDD"]


def test_support_is_one_for_the_same_stance_zero_for_the_opposite_half_otherwise() -> None:
    support, estimated = support_matrix(PROVISIONS, POSITIONS, STATES)
    assert support.tolist() == [
        [1.0, 1.0, 0.5, 0.5],
        [0.0, 0.0, 1.0, 0.5],
        [1.0, 1.0, 0.0, 0.5],
        [1.0, 0.0, 0.5, 0.5],
    ]
    assert estimated == {"CCC": [], "DDD": []}


def test_a_state_without_a_position_takes_those_of_the_states_voting_like_it(
    build_table: TableOf,
) -> None:
    votes = build_table({"AAA": "yyyy", "BBB": "yynn", "CCC": "nnyy", "DDD": "nnyy"})
    support, estimated = support_matrix(
        PROVISIONS, POSITIONS, STATES, agreement_matrix(votes, min_votes=1)
    )
    assert estimated["DDD"][0] == "CCC"
    assert support[1, 3] == pytest.approx((1 + 0 + 0) / 3)  # CCC, then AAA and BBB (tied)


def test_the_broadest_package_takes_one_alternative_and_drops_divisive_options() -> None:
    result = common_ground(PROVISIONS, POSITIONS, STATES)
    # ihl + norms: 1 + 1 + 0 + 0.5 = 2.5; ihl + treaty: 0 + 0 + 0.5 + 0.5 = 1; ms costs BBB.
    assert (result.best.provisions, result.best.supporters) == (["ihl", "norms"], 2.5)
    by_id = {p.id: p for p in result.provisions}
    assert by_id["ms"].cost == 1.0 and not by_id["ms"].in_package
    assert by_id["treaty"].rejected_by == ["AAA", "BBB"]
    assert {s.iso3: s.support for s in result.support} == {
        "AAA": 1.0, "BBB": 1.0, "CCC": 0.0, "DDD": 0.5,
    }  # fmt: skip


def test_required_provisions_are_always_in_the_package() -> None:
    required = [*PROVISIONS[:3], PROVISIONS[3].model_copy(update={"required": True})]
    assert "ms" in common_ground(required, POSITIONS, STATES).best.provisions


@pytest.mark.parametrize(
    ("provisions", "reason"),
    [
        ([PROVISIONS[0], PROVISIONS[0]], "share an id"),
        (
            [p.model_copy(update={"required": True}) for p in PROVISIONS[1:3]],
            "two required",
        ),
    ],
)
def test_inconsistent_provisions_are_refused(provisions: list[Provision], reason: str) -> None:
    with pytest.raises(InvalidQuery, match=reason):
        common_ground(provisions, POSITIONS, STATES)
