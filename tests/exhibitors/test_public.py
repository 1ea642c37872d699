"""The public page "Ausstellung im Foyer", files of approved booths, the session link."""

from datetime import datetime

import pytest
from flask import render_template

from portal.events.services import create_session
from portal.exhibitors import services
from tests.exhibitors.helpers import MINIMAL_PDF, png_bytes, text_of, upload

PAGE = "/veranstaltungen/kommunaltagung/ausstellung"


@pytest.fixture
def workshop(event):
    return create_session(
        event,
        code="WS 3",
        kind="workshop",
        title="Resilienz vor Ort",
        starts_at=datetime(2024, 11, 19, 16, 0),
        ends_at=datetime(2024, 11, 19, 18, 0),
    )


@pytest.fixture
def exhibition(event, organiser, workshop, make_booth, make_place, approve):
    """An approved booth on place 2 with logo, flyer and session; a submitted and a rejected one."""
    make_place(event, 1, width=2, label="Eingang")
    place = make_place(event, 2, x=4, y=2, width=2, has_power=True, label="Fenster")
    shown = approve(
        make_booth(
            event,
            organisation="Zentrum für Resilienz",
            topic="Krisenvorsorge",
            session=workshop.id,
            logo=upload(png_bytes(), "logo.png"),
            flyer=upload(MINIMAL_PDF, "flyer.pdf"),
        )
    )
    services.assign_place(shown, place, actor=organiser)
    waiting = make_booth(event, organisation="Noch Geheim e. V.", logo=upload(png_bytes(), "l.png"))
    rejected = make_booth(event, organisation="Abgelehnt AG")
    services.decide_booth(rejected, state="rejected", message="Nein.", actor=organiser)
    return shown, waiting, rejected


def test_public_page_lists_only_approved_booths(app, client, exhibition):
    shown = exhibition[0]
    response = client.get(PAGE)
    text = text_of(response)
    assert response.status_code == 200
    assert text.count("Ausstellung im Foyer") == 2  # title and the one h1
    assert response.get_data(as_text=True).count("<h1") == 1
    assert "Zentrum für Resilienz" in text and "Krisenvorsorge" in text
    assert "Noch Geheim" not in text and "Abgelehnt AG" not in text
    html = response.get_data(as_text=True)
    assert f'src="{PAGE}/{shown.id}/logo" alt="Logo von Zentrum für Resilienz"' in html
    assert f'href="{PAGE}/{shown.id}/flyer"' in html
    assert f'href="/veranstaltungen/kommunaltagung/programm/{exhibition[0].session_id}"' in html


def test_public_page_draws_the_plan_as_accessible_svg(app, client, exhibition):
    html = client.get(PAGE).get_data(as_text=True)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img" aria-labelledby="foyer-svg-title foyer-svg-desc"' in svg
    assert (
        '<title id="foyer-svg-title">Foyerplan der Ausstellung: Kommunaltagung 2024</title>' in svg
    )
    assert "2 Standplätze, davon 1 mit einem Stand belegt." in svg
    assert svg.count("<rect ") == 3  # the floor and two places
    assert '<rect x="6" y="6" width="148" height="68" rx="4"/>' in svg  # place 1 at (1, 1)
    assert '<rect x="246" y="86" width="148" height="68" rx="4"/>' in svg  # place 2 at (4, 2)
    assert "1 · Eingang" in svg and "2 · Fenster ⚡" in svg
    assert ">Zentrum für Resil…</text>" in svg  # cut to fit two cells
    assert "Platz 2 (Fenster)" in text_of(client.get(PAGE))


def test_public_files_only_for_approved_booths(app, client, exhibition):
    shown, waiting, _ = exhibition
    logo = client.get(f"{PAGE}/{shown.id}/logo")
    logo.close()
    assert logo.status_code == 200
    assert logo.headers["Content-Type"] == "image/png"
    assert client.get(f"{PAGE}/{waiting.id}/logo").status_code == 404
    assert client.get(f"/veranstaltungen/andere/ausstellung/{shown.id}/logo").status_code == 404


def test_public_page_of_draft_event_is_404(app, client, make_event, frozen):
    make_event(slug="entwurf", status="draft")
    assert client.get("/veranstaltungen/entwurf/ausstellung").status_code == 404


def test_public_page_without_booths_says_so(app, client, event):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Die Aussteller werden noch bekannt gegeben." in text_of(response)
    assert "<svg" not in response.get_data(as_text=True)


def test_booths_by_session_groups_approved_booths(app, event, exhibition, workshop):
    grouped = services.booths_by_session(event)
    assert {k: [b.organisation for b in v] for k, v in grouped.items()} == {
        workshop.id: ["Zentrum für Resilienz"]
    }


def test_session_fragment_links_to_the_booth(app, event, exhibition, workshop):
    shown = exhibition[0]
    with app.test_request_context():
        html = render_template(
            "exhibitors/_session_booth.html", booths=services.booths_by_session(event)[workshop.id]
        )
        empty = render_template("exhibitors/_session_booth.html", booths=[])
    assert f'href="{PAGE}#stand-{shown.id}"' in html
    assert "Zentrum für Resilienz: Krisenvorsorge" in html
    assert "(Platz 2 (Fenster))" in html
    assert empty.strip() == ""


def test_public_page_queries_do_not_grow_with_booths(
    app, client, event, make_booth, make_place, approve, organiser, count_queries
):
    def measure():
        with count_queries() as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    place = make_place(event, 1)
    services.assign_place(approve(make_booth(event, organisation="A")), place, actor=organiser)
    few = measure()
    for n in range(2, 6):
        place = make_place(event, n)
        booth = approve(make_booth(event, organisation=f"Org {n}"))
        services.assign_place(booth, place, actor=organiser)
    assert measure() == few
