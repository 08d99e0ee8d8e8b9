"""The positions pages: a world map and table of states' stances on one contested question, and
the common ground of a set of draft provisions tagged with those questions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from cyberdiplomacy.consensus import common_ground, maps
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import positions, queries
from cyberdiplomacy.web.api.positions import find_common_ground
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages import vendor
from cyberdiplomacy.web.pages.common import render

router = APIRouter()
DEFAULT_ISSUE = "ihl-applies"
MAX_ROWS = 12
BLANK_ROWS = 2
# The form's first draft: the provisions an ICT-security resolution typically argues over.
EXAMPLE = [
    common_ground.Provision(
        id="ihl",
        text="Affirms that international humanitarian law applies to the use of ICTs in armed "
        "conflict.",
        issues={"ihl-applies": "yes"},
    ),
    common_ground.Provision(
        id="treaty",
        text="Decides to negotiate a legally binding instrument on the use of ICTs by states.",
        issues={"new-binding-instrument": "yes"},
        group="framework",
    ),
    common_ground.Provision(
        id="norms",
        text="Calls on states to be guided by the existing framework of voluntary norms and "
        "international law.",
        issues={"new-binding-instrument": "no"},
        group="framework",
    ),
    common_ground.Provision(
        id="sovereignty",
        text="Affirms that violating another state's sovereignty through ICTs is an "
        "internationally wrongful act.",
        issues={"sovereignty-rule": "yes"},
    ),
    common_ground.Provision(
        id="due-diligence",
        text="Recalls that states must not knowingly allow their territory to be used for "
        "wrongful acts using ICTs.",
        issues={"due-diligence": "yes"},
    ),
    common_ground.Provision(
        id="multistakeholder",
        text="Recognises the role of the private sector, civil society and the technical "
        "community in Internet governance.",
        issues={"multistakeholder-governance": "yes"},
    ),
    common_ground.Provision(
        id="data-flows",
        text="Encourages the free flow of data across borders, without requirements to store "
        "data locally.",
        issues={"data-localisation": "no"},
    ),
]
Rows = Annotated[list[str] | None, Query(max_length=MAX_ROWS)]
Indices = Annotated[list[int] | None, Query(max_length=MAX_ROWS)]


@router.get("/positions")
def positions_map(
    request: Request,
    session: SessionDep,
    issue: Annotated[
        str, Query(max_length=60, description="The contested question")
    ] = DEFAULT_ISSUE,
) -> HTMLResponse:
    """One question's world map, its legend and the states' stances with their sources."""
    question = maps.question(issue)
    records = positions.list_positions(session)
    if not records:
        return render(request, "positions.html", section="positions", has_positions=False)
    stances: dict[str, dict[str, str]] = {}
    for record in records:
        stances.setdefault(record.state.iso3 or record.state.slug, {})[record.issue] = record.stance
    found = maps.stance_map(stances, issue)
    order = {stance: i for i, stance in enumerate(maps.STANCES)}
    rows = sorted(
        (r for r in records if r.issue == issue),
        key=lambda r: (order.get(r.stance, len(order)), r.state.name),
    )
    return render(
        request,
        "positions.html",
        section="positions",
        has_positions=True,
        question=question,
        questions=[(q, maps.stance_map(stances, key).counts) for key, q in maps.QUESTIONS.items()],
        stance_map=found,
        rows=rows,
        map_data={
            "iso3": [r.state.iso3 for r in rows],
            "name": [r.state.name for r in rows],
            "stance": [r.stance for r in rows],
            "summary": [r.summary for r in rows],
            "labels": {"yes": question.yes, "no": question.no},
        },
        world_map=vendor.world_map_ready(),
    )


def _form_rows(
    ids: list[str], texts: list[str], issues: list[str], stances: list[str], groups: list[str]
) -> list[dict[str, str]]:
    """The form's rows as submitted; 400 when its parallel fields do not line up."""
    if not len(ids) == len(texts) == len(issues) == len(stances) == len(groups):
        raise InvalidQuery("provisions", "every row needs an id, text, question, stance and group")
    return [
        {"id": i.strip(), "text": t.strip(), "issue": q, "stance": s, "group": g.strip()}
        for i, t, q, s, g in zip(ids, texts, issues, stances, groups, strict=True)
    ]


def _provisions(
    rows: list[dict[str, str]], used: set[int], required: set[int]
) -> list[common_ground.Provision]:
    """The provisions of the rows ticked for use (blank ones skipped), validated."""
    found = []
    for index, row in enumerate(rows):
        if index not in used or not row["text"]:
            continue
        issue = maps.question(row["issue"]).issue  # 400 naming the questions
        try:
            found.append(
                common_ground.Provision.model_validate(
                    {
                        "id": row["id"] or f"p{index + 1}",
                        "text": row["text"],
                        "issues": {issue: row["stance"]},
                        "group": row["group"] or None,
                        "required": index in required,
                    }
                )
            )
        except ValidationError as error:
            problem = error.errors()[0]
            field = ".".join(str(p) for p in problem["loc"])
            raise InvalidQuery(
                "provisions", f"row {index + 1}, {field}: {problem['msg']}"
            ) from None
    if not found:
        raise InvalidQuery("provisions", "tick at least one provision with a text")
    return found


@router.get("/positions/common-ground")
def common_ground_page(
    request: Request,
    session: SessionDep,
    ids: Annotated[list[str] | None, Query(alias="id", max_length=MAX_ROWS)] = None,
    text: Rows = None,
    issue: Rows = None,
    stance: Rows = None,
    group: Rows = None,
    use: Indices = None,
    required: Indices = None,
) -> HTMLResponse:
    """The draft-provisions form and, for the provisions ticked, the broadest package."""
    if ids is None:
        rows = [
            {
                "id": p.id,
                "text": p.text,
                "issue": next(iter(p.issues)),
                "stance": next(iter(p.issues.values())),
                "group": p.group or "",
            }
            for p in EXAMPLE
        ]
        used, needed = set(range(len(rows))), set()
    else:
        rows = _form_rows(ids, text or [], issue or [], stance or [], group or [])
        used, needed = set(use or []), set(required or [])
    blank = {"id": "", "text": "", "issue": DEFAULT_ISSUE, "stance": "yes", "group": ""}
    shown = rows + [blank] * max(0, min(BLANK_ROWS, MAX_ROWS - len(rows)))
    context: dict[str, Any] = {
        "section": "positions",
        "rows": shown,
        "used": used,
        "required": needed,
        "questions": maps.QUESTIONS,
        "world_map": vendor.world_map_ready(),
    }
    try:
        result = find_common_ground(session, _provisions(rows, used, needed))
    except InvalidQuery as error:
        return render(
            request, "common_ground.html", status_code=400, error=error.message(), **context
        )
    states = queries.list_states(session, un_status="member", limit=queries.MAX_LIMIT, offset=0)
    names = {s.iso3: s.name for s in states.items if s.iso3}
    return render(
        request,
        "common_ground.html",
        result=result,
        names=names,
        support_data={
            "iso3": [s.iso3 for s in result.support],
            "name": [names.get(s.iso3, s.iso3) for s in result.support],
            "support": [s.support for s in result.support],
            "estimated": [bool(s.estimated_from) for s in result.support],
        },
        **context,
    )
