"""The server-rendered pages, in-process against a base with the bundled data and ATT&CK."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cyberdiplomacy.web.app import create_app
from cyberdiplomacy.web.pages import vendor
from cyberdiplomacy.web.pages.templating import prose

TITLE = "<title>{} · Cyber Diplomacy Workbench</title>"


def page(client: TestClient, url: str, status: int = 200) -> str:
    """The HTML of `url`, after checking its status and that it is HTML."""
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


def test_dashboard_shows_counts_top_sponsors_and_blocs(client: TestClient) -> None:
    html = page(client, "/")
    assert TITLE.format("Dashboard") in html
    for label in ("States", "Threat groups", "Groups with a suspected sponsor", "Vocabulary terms"):
        assert label in html
    assert 'href="/states/CHN"' in html
    assert 'href="/actors?sponsor=RUS"' in html
    assert 'href="/blocs/nato"' in html
    assert "cyberdiplomacy import attack PATH" not in html


def test_dashboard_tells_how_to_import_attack_when_it_is_missing(sqlite_engine: Engine) -> None:
    with TestClient(create_app(engine=sqlite_engine)) as empty:
        html = page(empty, "/")
    assert "cyberdiplomacy init" in html
    assert "has not been imported yet" in html
    assert "cyberdiplomacy import attack PATH" in html
    assert "No incidents recorded yet." in html
    assert "plotly.min.js" not in html


def test_dashboard_charts_incidents_by_year_with_links_to_each_year(client: TestClient) -> None:
    html = page(client, "/")
    assert "All 48 incidents" in html
    assert 'href="/incidents?year=2017" aria-label="2017: 7 incidents"' in html
    assert '<li class="none">' in html  # 2009 had none, and keeps its place on the axis


def test_dashboard_maps_victims_with_local_plotly_and_topojson(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    topojson = tmp_path / "world_110m.json"
    topojson.write_text("{}")
    monkeypatch.setattr(vendor, "TOPOJSON", topojson)
    html = page(client, "/")
    assert 'src="http://testserver/static/vendor/plotly.min.js"' in html
    assert 'data-topojson="http://testserver/static/vendor/"' in html
    assert '"iso3": ["USA", "UKR", "GBR"' in html
    assert 'href="/incidents?state=USA"' in html
    assert "is not installed" not in html


def test_dashboard_lists_victims_when_the_topojson_is_missing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(vendor, "TOPOJSON", tmp_path / "missing.json")
    html = page(client, "/")
    assert "The world map is not installed" in html
    assert "plotly.min.js" not in html
    assert 'id="victims-map"' not in html
    assert 'href="/incidents?state=EST"' in html  # every victim, not only the most affected


def test_plotly_js_is_served_from_the_python_package(client: TestClient) -> None:
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content.startswith(b"/**\n* plotly.js v")
    assert "max-age" in response.headers["cache-control"]


def test_header_navigation_leads_to_incidents_and_instruments(client: TestClient) -> None:
    html = page(client, "/incidents")
    assert '<a href="/incidents" aria-current="page">Incidents</a>' in html
    assert '<a href="/instruments">Instruments</a>' in html


def test_incidents_list_shows_newest_first_with_victims_and_actors(client: TestClient) -> None:
    html = page(client, "/incidents")
    assert TITLE.format("Incidents") in html
    assert "1\N{EN DASH}48 of 48 incidents" in html
    assert html.index('href="/incidents/notpetya"') < html.index('href="/incidents/estonia-2007"')
    assert "Petya, ExPetr, Nyetya" in html
    assert 'href="/states/UKR"' in html
    assert 'href="/actors/sandworm-team"' in html
    assert '<option value="UKR">Ukraine (8)</option>' in html
    assert '<option value="healthcare-public">Healthcare and Public Health</option>' in html


@pytest.mark.parametrize(
    ("query", "found", "left_out"),
    [
        ("q=petya", "notpetya", "wannacry"),
        ("state=UKR&year=2017", "bad-rabbit-2017", "wannacry"),
        ("state=ukr&year=&type=&sector=", "notpetya", "wannacry"),
        ("actor=Sandworm+Team", "notpetya", "wannacry"),
        ("actor=RUS", "notpetya", "wannacry"),
        ("type=data-destruction", "notpetya", "wannacry"),
        ("sector=healthcare-public", "wannacry", "estonia-2007"),
    ],
)
def test_incidents_list_filters(client: TestClient, query: str, found: str, left_out: str) -> None:
    html = page(client, f"/incidents?{query}")
    assert f'href="/incidents/{found}"' in html
    assert f'href="/incidents/{left_out}"' not in html
    assert "Clear filters" in html


def test_incidents_list_keeps_the_chosen_filters_selected(client: TestClient) -> None:
    html = page(client, "/incidents?state=UKR&year=2017&type=extortion&sector=energy")
    assert '<option value="UKR" selected>' in html
    assert '<option value="2017" selected>' in html
    assert '<option value="extortion" selected>Extortion</option>' in html
    assert '<option value="energy" selected>Energy</option>' in html
    assert "No incident matches these filters." in html


def test_incident_page_shows_facts_with_readable_vocabulary(client: TestClient) -> None:
    html = page(client, "/incidents/notpetya")
    assert TITLE.format("NotPetya") in html
    assert "Also known as Petya, ExPetr, Nyetya" in html
    assert "Incident · Data destruction" in html
    assert "27 Jun 2017" in html
    assert 'href="/states/UKR">Ukraine</a>' in html
    assert "Healthcare and Public Health" in html
    assert "Physical/digital" in html and "Disrupted operations, Loss of finances" in html
    assert "Supply chain" in html
    assert "<dt>Armed conflict</dt>\n      <dd>No</dd>" in html
    assert 'href="/actors/sandworm-team">Sandworm Team</a>' in html
    assert 'href="/techniques/T1195.002"' in html
    assert 'href="/software/S0368"' in html
    assert "TLP:CLEAR" in html


def test_incident_page_shows_timeline_claims_responses_and_sources(client: TestClient) -> None:
    html = page(client, "/incidents/notpetya")
    timeline = html[html.index('<ol class="timeline">') : html.index('id="claims"')]
    assert timeline.index("NotPetya</strong> begins") < timeline.index(
        "<strong>United Kingdom</strong> attributes it to Russia"
    )
    assert timeline.index("United Kingdom</strong>") < timeline.index("sanctions: OFAC")
    assert "Almost certain(ly) - nearly certain - 95-99%" in html
    assert "State-executed" in html
    assert "Source: UK Foreign and Commonwealth Office" in html
    assert "EU toolbox: Restrictive" in html
    assert 'href="https://www.justice.gov/opa/pr/six-russian-gru-officers' in html
    assert "Facts as of 30 Jun 2025." in html


def test_incident_in_an_armed_conflict_says_so(client: TestClient) -> None:
    assert "during an armed conflict" in page(client, "/incidents/viasat-ka-sat-2022")


def test_incident_that_ended_gives_both_dates(client: TestClient) -> None:
    html = page(client, "/incidents/equifax-2017")
    assert "13 May 2017 \N{EN DASH} 30 Jul 2017" in html
    assert "it ran until 30 Jul 2017" in html


@pytest.mark.parametrize("key", ["Petya", "ExPetr", "NotPetya", "NOTPETYA"])
def test_incident_by_name_or_alias_redirects_to_slug(client: TestClient, key: str) -> None:
    response = client.get(f"/incidents/{key}")
    assert response.status_code == 302
    assert response.headers["location"] == "/incidents/notpetya"


def test_unknown_incident_is_a_404_page(client: TestClient) -> None:
    html = page(client, "/incidents/no-such-incident", 404)
    assert "No incident &#39;no-such-incident&#39; in the knowledge base." in html


def test_instruments_list_links_every_instrument_with_counts(client: TestClient) -> None:
    html = page(client, "/instruments")
    assert TITLE.format("Instruments") in html
    assert 'href="/instruments/gge-2015"' in html
    assert 'href="/instruments/budapest-convention"' in html
    assert '<span class="code">A/70/174</span>' in html
    assert '<td class="num">11</td>' in html


def test_instrument_page_lists_norms_and_links_the_official_text(client: TestClient) -> None:
    html = page(client, "/instruments/gge-2015")
    assert "Report of the Group of Governmental Experts" in html
    for letter in "abcdefghijk":
        assert f'<span class="code">GGE-2015-13{letter}</span>' in html
    assert "Do not damage critical infrastructure" in html
    assert 'href="https://undocs.org/A/70/174"' in html
    assert "Source: United Nations" in html
    assert "TLP:CLEAR" in html


def test_instrument_page_lists_participants_with_status_and_source(client: TestClient) -> None:
    html = page(client, "/instruments/budapest-convention")
    rows = [row for row in html.split("<tr") if 'href="/states/USA"' in row]
    assert [("Signed" in r, "Party" in r) for r in rows] == [(True, False), (False, True)]
    assert "23 Nov 2001" in rows[0] and "29 Sep 2006" in rows[1]
    assert all("Council of Europe Treaty Office" in r for r in rows)
    assert "Observer" in html


def test_instrument_by_other_case_redirects_to_slug(client: TestClient) -> None:
    response = client.get("/instruments/GGE-2015")
    assert response.status_code == 302
    assert response.headers["location"] == "/instruments/gge-2015"


def test_unknown_instrument_is_a_404_page(client: TestClient) -> None:
    html = page(client, "/instruments/no-such-treaty", 404)
    assert "No instrument &#39;no-such-treaty&#39; in the knowledge base." in html


def test_state_page_lists_incidents_suffered(client: TestClient) -> None:
    html = page(client, "/states/UKR")
    section = html[html.index('id="suffered"') : html.index('id="made"')]
    assert 'href="/incidents/notpetya">NotPetya</a>' in section
    assert 'href="/incidents/bad-rabbit-2017"' in section


def test_state_page_lists_attributions_made_with_sources(client: TestClient) -> None:
    html = page(client, "/states/GBR")
    section = html[html.index('id="made"') : html.index('id="received"')]
    assert 'href="/incidents/notpetya">NotPetya</a>' in section
    assert "Source: UK Foreign and Commonwealth Office" in section


def test_state_page_lists_attributions_received(client: TestClient) -> None:
    html = page(client, "/states/RUS")
    section = html[html.index('id="received"') : html.index('id="groups"')]
    assert 'href="/incidents/notpetya">NotPetya</a>' in section
    assert 'href="/states/GBR">United Kingdom</a>' in section


def test_state_without_incidents_says_so(client: TestClient) -> None:
    html = page(client, "/states/ISL")
    assert "No incident in the knowledge base names Iceland as a victim." in html


def test_state_treaty_status_links_the_instrument(client: TestClient) -> None:
    assert 'href="/instruments/budapest-convention"' in page(client, "/states/EST")


def test_states_list_filters_by_bloc_and_name(client: TestClient) -> None:
    html = page(client, "/states?bloc=nato&q=esto")
    assert 'href="/states/EST"' in html
    assert 'href="/states/FRA"' not in html
    assert '<option value="nato" selected>' in html
    assert "1\N{EN DASH}1 of 1 states" in html


def test_states_list_paginates(client: TestClient) -> None:
    html = page(client, "/states?page=2")
    assert "51\N{EN DASH}100 of 195 states" in html
    assert 'rel="prev" href="http://testserver/states?page=1"' in html
    assert 'rel="next"' in html


def test_state_profile_shows_un_status_blocs_treaties_and_source(client: TestClient) -> None:
    html = page(client, "/states/EST")
    assert TITLE.format("Estonia") in html
    assert "Member state since 1991" in html
    assert 'href="/blocs/nato"' in html
    assert "29 Mar 2004" in html
    assert "Budapest Convention" in html
    assert "Party" in html
    assert "Source: MISP Project" in html
    assert "(as of " in html
    assert "TLP:CLEAR" in html
    assert "Republic of Estonia" in html


def test_state_profile_lists_groups_it_is_suspected_to_sponsor(client: TestClient) -> None:
    html = page(client, "/states/RUS")
    assert 'href="/actors/apt28"' in html
    assert 'href="/actors/sandworm-team"' in html


@pytest.mark.parametrize("code", ["est", "EE", "ee"])
def test_state_by_other_codes_redirects_to_iso3(client: TestClient, code: str) -> None:
    response = client.get(f"/states/{code}")
    assert response.status_code == 302
    assert response.headers["location"] == "/states/EST"


def test_unknown_state_is_a_404_page(client: TestClient) -> None:
    html = page(client, "/states/XXX", 404)
    assert TITLE.format("Not found") in html
    assert "No state &#39;XXX&#39; in the knowledge base." in html


def test_bloc_page_lists_members_with_join_dates(client: TestClient) -> None:
    html = page(client, "/blocs/nato")
    assert TITLE.format("NATO") in html
    assert "North Atlantic Treaty Organization" in html
    assert 'href="/states/EST"' in html
    assert "29 Mar 2004" in html
    assert "Source:" in html


def test_blocs_list_links_every_bloc(client: TestClient) -> None:
    html = page(client, "/blocs")
    assert 'href="/blocs/nato"' in html
    assert 'href="/blocs/eu"' in html


def test_actors_list_filters_by_sponsor(client: TestClient) -> None:
    html = page(client, "/actors?sponsor=RUS")
    assert 'href="/actors/apt28"' in html
    assert 'href="/actors/apt1"' not in html
    assert '<option value="RUS" selected>Russia</option>' in html


def test_actor_profile_shows_sponsor_facets_techniques_and_software(client: TestClient) -> None:
    html = page(client, "/actors/apt28")
    assert TITLE.format("APT28") in html
    assert 'href="/states/RUS">Russia</a>' in html
    assert "50&thinsp;/&thinsp;100" in html
    assert 'href="/states/UKR" title="UKR">Ukraine</a>' in html
    assert "World Anti-Doping Agency" in html
    assert "Espionage" in html
    assert "Fancy Bear" in html
    assert html.index("Reconnaissance") < html.index("Initial Access") < html.index("Impact")
    assert 'href="/techniques/T1566.001"' in html
    assert 'href="/software/S0023"' in html
    assert "Source: MISP Project" in html
    assert "TLP:CLEAR" in html


@pytest.mark.parametrize("key", ["APT28", "G0007", "Fancy Bear", "fancy-bear"])
def test_actor_by_alias_or_attack_id_redirects_to_slug(client: TestClient, key: str) -> None:
    response = client.get(f"/actors/{key}")
    assert response.status_code == 302
    assert response.headers["location"] == "/actors/apt28"


def test_actor_key_naming_a_state_leads_to_the_state_page(client: TestClient) -> None:
    response = client.get("/actors/RUS", follow_redirects=True)
    assert response.status_code == 200
    assert str(response.url).endswith("/states/RUS")


def test_technique_page_lists_subtechniques_and_groups(client: TestClient) -> None:
    html = page(client, "/techniques/T1566")
    assert TITLE.format("T1566 Phishing") in html
    assert 'href="/techniques/T1566.001"' in html
    assert 'href="/actors/kimsuky"' in html
    assert 'href="https://attack.mitre.org/techniques/T1566"' in html
    assert "(Citation:" not in html


def test_subtechnique_page_links_its_parent(client: TestClient) -> None:
    html = page(client, "/techniques/T1566.001")
    assert "Phishing: Spearphishing Attachment" in html
    assert 'href="/techniques/T1566"' in html
    assert 'href="/actors/apt28"' in html


def test_revoked_technique_names_its_successor(client: TestClient) -> None:
    html = page(client, "/techniques/T1086")
    assert "revoked" in html
    assert 'href="/techniques/T1059.001"' in html


def test_techniques_list_filters_by_tactic(client: TestClient) -> None:
    html = page(client, "/techniques?tactic=impact")
    assert 'href="/techniques/T1485"' in html
    assert 'href="/techniques/T1566"' not in html


def test_software_page_lists_groups_and_techniques(client: TestClient) -> None:
    html = page(client, "/software/S0154")
    assert TITLE.format("S0154 Cobalt Strike") in html
    assert 'href="/actors/apt29"' in html
    assert 'href="/software/S0002">Mimikatz</a>' in html
    assert 'href="/techniques/' in html


def test_software_list_filters_by_type(client: TestClient) -> None:
    html = page(client, "/software?type=tool&q=mimikatz")
    assert 'href="/software/S0002"' in html
    assert "1\N{EN DASH}1 of 1 entries" in html


def test_search_finds_a_group_by_alias(client: TestClient) -> None:
    html = page(client, "/search?q=Voodoo+Bear")
    assert "Threat groups" in html
    assert 'href="/actors/sandworm-team">Sandworm Team</a>' in html
    assert "matched “voodoo bear”" in html.lower()


def test_search_groups_results_by_kind_with_their_keys(client: TestClient) -> None:
    html = page(client, "/search?q=phishing")
    assert "ATT&amp;CK techniques" in html
    assert 'href="/techniques/T1566"' in html
    html = page(client, "/search?q=Estonia")
    assert 'href="/states/EST"' in html


def test_search_finds_an_incident_by_alias(client: TestClient) -> None:
    html = page(client, "/search?q=Petya")
    assert '<section class="results" aria-label="Incidents">' in html
    assert 'href="/incidents/notpetya">NotPetya</a>' in html
    assert "matched “Petya”" in html


def test_search_without_results_says_so(client: TestClient) -> None:
    assert "No results for “zzqqxx”" in page(client, "/search?q=zzqqxx")


def test_search_without_text_shows_the_form(client: TestClient) -> None:
    assert "Type a name, an alias" in page(client, "/search")


def test_too_short_search_is_a_400_page(client: TestClient) -> None:
    html = page(client, "/search?q=x", 400)
    assert "is too short to search for" in html


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/no/such/page", 404),
        ("/states/%00", 400),
        ("/states/%E2%9C%93", 404),
        ("/states?bloc=no-such-bloc", 400),
        ("/states?q=%25%25", 200),
        ("/states?page=0", 422),
        ("/states?page=abc", 422),
        ("/states?page=100000", 200),
        ("/states?page=1000000000000000000000", 422),
        ("/actors/'%20OR%201=1%20--", 404),
        ("/actors/%20", 404),
        ("/actors?sponsor=ZZZ", 400),
        ("/actors?q=" + "a" * 201, 422),
        ("/blocs/..%2F..", 404),
        ("/techniques/T9999", 404),
        ("/techniques?tactic=nonsense", 400),
        ("/software/%3Cscript%3E", 404),
        ("/software?type=virus", 422),
        ("/search?q=%00%00", 400),
        ("/search?q=%25", 400),
        ("/search?q=%3Cscript%3Ealert(1)%3C/script%3E", 200),
        ("/incidents/%00", 400),
        ("/incidents/'%20OR%201=1%20--", 404),
        ("/incidents/%E2%9C%93", 404),
        ("/incidents?q=%25%25", 200),
        ("/incidents?q=%3Cscript%3Ealert(1)%3C/script%3E", 200),
        ("/incidents?state=ZZZ", 400),
        ("/incidents?state=ZZZZ", 422),
        ("/incidents?actor=no-such-actor", 400),
        ("/incidents?actor=%3Cscript%3Ealert(1)%3C/script%3E", 400),
        ("/incidents?year=abc", 422),
        ("/incidents?year=1800", 400),
        ("/incidents?year=20170", 422),
        ("/incidents?type=virus", 422),
        ("/incidents?sector=%25", 422),
        ("/incidents?page=0", 422),
        ("/incidents?page=100000", 200),
        ("/instruments/..%2F..", 404),
        ("/instruments/%20", 404),
    ],
)
def test_odd_input_gets_an_html_answer_never_a_500(
    client: TestClient, url: str, status: int
) -> None:
    html = page(client, url, status)
    assert "<script>alert" not in html


def test_description_markdown_becomes_safe_html_with_local_attack_links() -> None:
    html = prose(
        "Uses <b>[Email Hiding Rules](https://attack.mitre.org/techniques/T1564/008)</b>"
        "(Citation: Vendor 2022) and <code>cmd</code> via [docs](https://example.org/a?b=1&c=2)."
        "\n\nSecond."
    )
    assert html == (
        '<p>Uses &lt;b&gt;<a href="/techniques/T1564.008">Email Hiding Rules</a>&lt;/b&gt; and '
        '<code>cmd</code> via <a href="https://example.org/a?b=1&amp;c=2" '
        'rel="noopener noreferrer">docs</a>.</p><p>Second.</p>'
    )


def test_pages_stay_out_of_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert all(path.startswith("/api/") for path in paths)
