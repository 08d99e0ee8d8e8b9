"""The attribution pages, in-process: an incident's assessment and ranking, the Attribute form,
and who attributes with whom."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cyberdiplomacy.attribution import service
from cyberdiplomacy.knowledge.access import ANONYMOUS, SYSTEM, bind
from cyberdiplomacy.web.app import create_app

TITLE = "<title>{} · Cyber Diplomacy Workbench</title>"


def page(client: TestClient, url: str, status: int = 200) -> str:
    """The HTML of `url`, after checking its status and that it is HTML."""
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


def section(html: str, start: str, end: str) -> str:
    """The part of `html` from `start` to the next `end`, whitespace collapsed."""
    begin = html.index(start)
    return " ".join(html[begin : html.index(end, begin)].split())


def rows(html: str) -> list[str]:
    """The text of each data row (one with cells) of the first table in `html`."""
    table = html[html.index("<tbody") :].partition("</table>")[0]
    cells = (re.sub(r"<[^>]+>", " ", "<tr" + r) for r in table.split("<tr") if "<td" in r)
    return [" ".join(r.split()) for r in cells]


# The incident page ---------------------------------------------------------------------------


def test_incident_page_gives_the_bottom_line_of_the_claims(client: TestClient) -> None:
    html = page(client, "/incidents/notpetya")
    verdict = section(html, 'id="verdict-claims"', "</article>")
    assert "It is <strong>almost certain</strong>" in verdict
    assert "(95\N{EN DASH}99&nbsp;%)" in verdict
    assert 'that <a href="/states/RUS">Russia</a>, acting through' in verdict
    assert '<a href="/actors/sandworm-team">Sandworm Team</a>, was responsible.' in verdict
    assert "97%" in verdict and "3 analyses" in verdict
    assert '<span class="confidence confidence-high">High</span>' in verdict
    assert "3 independent analyses agree" in verdict
    assert "legal or technical evidence: indictment, sanctions-listing" in verdict


def test_incident_page_places_the_responsibility_on_healeys_spectrum(client: TestClient) -> None:
    verdict = section(page(client, "/incidents/notpetya"), 'id="verdict-claims"', "</article>")
    spectrum = section(verdict, '<ol class="spectrum"', "</ol>")
    assert spectrum.count("<li") == 10
    assert '<li title="State-executed" class="on" aria-current="true">' in spectrum
    assert "<strong>State-executed</strong>: stated by attributors with total weight" in verdict


def test_incident_page_weighs_every_claim_and_groups_a_joint_statement_as_one_analysis(
    client: TestClient,
) -> None:
    table = section(page(client, "/incidents/notpetya"), 'class="data claims-weighed"', "</table>")
    assert "ten governments joining one statement are not ten independent analyses" in table
    assert table.count('class="analysis-head"') == 3
    assert (
        'Analysis 2 <span class="muted">· 6 claims by 5 attributors, joined by statement '
        '<span class="code">notpetya-2018-02-15</span>: counted once'
    ) in table
    assert table.count('<tr class="dissent">') == 0
    uk = next(r for r in rows(table) if "United Kingdom" in r)
    factors = " \N{MULTIPLICATION SIGN} ".join(("0.80", "0.70", "1.00", "0.87"))
    assert uk == f"15 Feb 2018 United Kingdom Russia Statement B 0.49 {factors}"


def test_incident_page_shows_dissenting_claims_in_the_table_and_the_verdict(
    client: TestClient,
) -> None:
    html = page(client, "/incidents/solarwinds")
    verdict = section(html, 'id="verdict-claims"', "</article>")
    assert "<strong>1 dissenting claim</strong> names someone else" in verdict
    assert "FireEye (2020) named UNC2452" in verdict
    table = section(html, 'class="data claims-weighed"', "</table>")
    dissent = [r for r in table.split("<tr")[1:] if r.startswith(' class="dissent"')]
    assert len(dissent) == 1
    assert 'Dissent</span> <a href="/actors/unc2452">UNC2452</a>' in dissent[0]


def test_incident_page_ranks_its_tradecraft_beside_the_claims(client: TestClient) -> None:
    html = page(client, "/incidents/notpetya")
    ranking = section(html, 'id="verdict-tradecraft"', "</article>")
    assert "best explain the 8 techniques and 1 software observed" in ranking
    ranked = rows(ranking)
    assert len(ranked) == 5
    assert ranked[0].startswith("1 Sandworm Team RUS Strongest: S0368 NotPetya")
    assert re.search(r"Unknown actor \d+% · other groups \d+%", ranking)
    assert 'href="/attribute?techniques=T1195.002%2CT1210%2CT1003.001%2C' in ranking
    assert "%2CT1529&amp;software=S0368" in ranking


def test_pages_reuse_the_engine_of_the_viewers_clearance(full_base: Engine) -> None:
    with TestClient(create_app(engine=full_base), headers={"Accept": "text/html"}) as fresh:
        page(fresh, "/incidents/notpetya")
        with Session(full_base) as session:
            engine = service.engine(bind(session, ANONYMOUS))
            page(fresh, "/incidents/wannacry")
            page(fresh, "/attribute?software=S0154")
            assert service.engine(bind(session, ANONYMOUS)) is engine
            assert service.engine(bind(session, SYSTEM)) is not engine


def test_incident_without_claims_or_tradecraft_says_so(client: TestClient) -> None:
    html = page(client, "/incidents/tv5monde-2015")
    assert "No public attribution claim is recorded" in html
    assert "The incident lists no ATT&amp;CK techniques or software" in html
    assert "claims-weighed" not in html


def test_incident_with_tradecraft_but_no_claims_is_still_ranked(client: TestClient) -> None:
    html = page(client, "/incidents/stuxnet")
    assert "No public attribution claim is recorded" in html
    assert len(rows(section(html, 'id="verdict-tradecraft"', "</article>"))) == 5


# The Attribute page --------------------------------------------------------------------------


def test_header_navigation_leads_to_the_attribute_page(client: TestClient) -> None:
    assert '<a href="/attribute">Attribute</a>' in page(client, "/")
    assert '<a href="/attribute" aria-current="page">Attribute</a>' in page(client, "/attribute")


def test_attribute_page_without_a_query_shows_the_form_only(client: TestClient) -> None:
    html = page(client, "/attribute")
    assert TITLE.format("Attribute") in html
    for name in ("techniques", "software", "victims", "sectors"):
        assert f'name="{name}" value=""' in html
    assert 'data-suggest="/api/v1/techniques"' in html
    assert 'data-suggest="/api/v1/software"' in html
    assert re.search(r'<script src="[^"]*/static/attribute.js" defer></script>', html)
    assert "notice-error" not in html and 'class="data ranking"' not in html


def test_attribute_page_ranks_groups_with_their_evidence_and_sponsors(client: TestClient) -> None:
    html = page(client, "/attribute?techniques=T1566.001&software=S0154")
    ranked = rows(section(html, 'class="data ranking"', "</table>"))
    assert len(ranked) == 10
    assert all("S0154 Cobalt Strike exact" in r for r in ranked)
    assert all("T1566.001 Spearphishing Attachment exact" in r for r in ranked)
    assert re.match(r"1 \S.* G\d{4} .*\d+% S0154 Cobalt Strike exact \+\d\.\d\d", ranked[0])
    states = section(html, 'id="states"', "</aside>")
    assert '<a href="/states/CHN">China</a>' in states
    assert "Unknown actor" in states
    assert 'value="T1566.001"' in html and 'value="S0154"' in html


def test_attribute_page_reads_comma_separated_ids_as_the_form_without_javascript_sends(
    client: TestClient,
) -> None:
    repeated = page(client, "/attribute?techniques=T1566.001&techniques=T1059.001&software=S0154")
    separated = page(client, "/attribute?techniques=T1566.001,+T1059.001&software=S0154")
    assert rows(section(repeated, 'class="data ranking"', "</table>")) == rows(
        section(separated, 'class="data ranking"', "</table>")
    )


def test_attribute_page_shows_partial_matches_with_what_they_matched(client: TestClient) -> None:
    html = page(client, "/attribute?techniques=T1566.003&top=50")
    assert re.search(r'match-parent"[^>]*>parent via <span class="code">T1566</span>', html)


def test_attribute_page_names_revoked_ids_and_their_successors(client: TestClient) -> None:
    html = page(client, "/attribute?techniques=T1086&software=S0154")
    note = section(html, 'class="note"', "</div>")
    assert (
        'Revoked ids were replaced by their successors: <span class="code">T1086</span> → '
        '<a href="/techniques/T1059.001"><span class="code">T1059.001</span></a>.'
    ) in note
    ranked = rows(section(html, 'class="data ranking"', "</table>"))
    assert "T1059.001 PowerShell exact" in ranked[0]


def test_attribute_page_uses_victims_and_says_which_sectors_no_profile_has(
    client: TestClient,
) -> None:
    html = page(client, "/attribute?software=S0154&victims=UKR&sectors=energy,+underwater+basket")
    assert 'No group profile has <span class="code">underwater basket</span>' in html
    assert 'value="energy, underwater basket"' in html
    ranked = rows(section(html, 'class="data ranking"', "</table>"))
    assert any("UKR exact" in r for r in ranked)


def test_attribute_page_limits_the_ranking_to_top(client: TestClient) -> None:
    html = page(client, "/attribute?software=S0154&top=5")
    assert len(rows(section(html, 'class="data ranking"', "</table>"))) == 5
    assert '<option value="5" selected>' in html


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("techniques=T9999&software=S0154", "unknown T9999"),
        ("techniques=T1566.001,phishing", "malformed &#39;phishing&#39;"),
        ("software=S9999&victims=Ukraine", "unknown S9999; malformed &#39;Ukraine&#39;"),
    ],
)
def test_attribute_page_with_bad_ids_is_a_400_naming_them_and_keeping_the_form(
    client: TestClient, query: str, named: str
) -> None:
    html = page(client, f"/attribute?{query}", 400)
    alert = section(html, 'class="notice notice-error" role="alert"', "</div>")
    assert "These observations cannot be ranked" in alert
    assert named in alert
    assert 'aria-invalid="true"' in html
    assert 'class="data ranking"' not in html


def test_attribute_page_marks_only_the_inputs_holding_bad_ids(client: TestClient) -> None:
    html = page(client, "/attribute?techniques=T9999,T1566.001&software=S0154", 400)
    assert 'value="T9999, T1566.001"' in html
    assert html.count('aria-invalid="true"') == 1
    assert 'data-invalid="T9999"' in html


def test_attribute_page_with_nothing_observed_is_a_400(client: TestClient) -> None:
    html = page(client, "/attribute?techniques=&software=&victims=UKR", 400)
    assert "give at least one ATT&amp;CK technique or software id" in html


def test_attribute_page_before_attack_is_imported_says_how_to_import_it(
    sqlite_engine: Engine,
) -> None:
    with TestClient(create_app(engine=sqlite_engine), headers={"Accept": "text/html"}) as empty:
        html = page(empty, "/attribute?software=S0154", 503)
    assert "The ranking is not available" in html
    assert "cyberdiplomacy import attack PATH" in html


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/attribute?top=0", 422),
        ("/attribute?top=51", 422),
        ("/attribute?top=abc", 422),
        ("/attribute?techniques=%3Cscript%3Ealert(1)%3C/script%3E", 400),
        ("/attribute?software=%00", 400),
        ("/attribute?sectors=%3Cscript%3Ealert(1)%3C/script%3E&software=S0154", 200),
        ("/attribute?victims=%3Cscript%3Ealert(1)%3C/script%3E&software=S0154", 400),
        ("/attribution/network?partner=%3Cscript%3Ealert(1)%3C/script%3E", 200),
        ("/attribution/network?partner=" + "a" * 121, 422),
    ],
)
def test_odd_attribution_input_gets_an_html_answer_never_a_500(
    client: TestClient, url: str, status: int
) -> None:
    assert "<script>alert" not in page(client, url, status)


# Co-attribution ------------------------------------------------------------------------------


def test_state_page_lists_who_attributes_together_with_it(client: TestClient) -> None:
    html = page(client, "/states/GBR")
    partners = section(html, 'id="partners"', "</section>")
    assert '<h2 id="partners">Attributes together with <span class="count">' in html
    top = rows(partners)
    assert top[0].startswith("United States ")
    assert len(top) == 10
    assert '<a href="/states/USA">United States</a>' in partners
    assert '<a href="/actors/microsoft">Microsoft</a>' in partners
    assert 'href="/attribution/network?partner=GBR"' in partners


def test_state_that_never_attributed_with_anyone_says_so(client: TestClient) -> None:
    html = page(client, "/states/ISL")
    assert "No attribution by Iceland is recorded alongside another attributor" in html


def test_network_page_lists_ties_with_the_incidents_behind_them(client: TestClient) -> None:
    html = page(client, "/attribution/network")
    assert TITLE.format("Co-attribution") in html
    ties = rows(section(html, 'class="data ties"', "</table>"))
    counts = [int(re.findall(r" (\d+) ", tie)[0]) for tie in ties]
    assert counts == sorted(counts, reverse=True)
    assert ties[0].startswith("United Kingdom United States 15 ")
    assert '<a href="/incidents/notpetya">NotPetya</a>' in html


def test_network_page_for_one_attributor_puts_it_first(client: TestClient) -> None:
    html = page(client, "/attribution/network?partner=JPN")
    assert TITLE.format("Co-attribution: Japan") in html
    assert '<option value="JPN" selected>Japan</option>' in html
    ties = rows(section(html, 'class="data ties"', "</table>"))
    assert ties and all(t.startswith("Japan ") for t in ties)


def test_network_page_for_an_unknown_attributor_says_nothing_was_shared(
    client: TestClient,
) -> None:
    html = page(client, "/attribution/network?partner=ZZZ")
    assert "No recorded attribution by ZZZ was shared with another attributor." in html
