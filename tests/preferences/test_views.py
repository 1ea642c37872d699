"""Views: the ranking page, the save endpoint (htmx and plain), bad inputs, organisers."""

import csv
import io
import json
from datetime import datetime

import pytest

from portal.events.models import EventStatus
from portal.preferences import services
from portal.preferences.models import Preference, Ranking
from tests.preferences.conftest import AFTERNOON, MORNING, SECOND_DAY

PAGE = "/veranstaltungen/kommunaltagung/wuensche"
HX = {"HX-Request": "true"}


def url(slot):
    return f"{PAGE}/{slot}"


def codes(registration, slot=AFTERNOON) -> list[str]:
    rows = (
        Preference.select()
        .where((Preference.registration == registration) & (Preference.slot_key == slot))
        .order_by(Preference.rank)
    )
    return [row.session.code for row in rows]


def version(registration) -> int:
    row = Ranking.get_or_none(Ranking.registration == registration)
    return row.version if row else 0


def order_data(programme, *names, version=0):
    return {"version": version, "action": "order", "order": [programme.s[n].id for n in names]}


def move_data(programme, name, direction, version):
    return {
        "version": version,
        "action": "move",
        "session": programme.s[name].id,
        "direction": direction,
    }


# --- the page -------------------------------------------------------------------------


def test_page_shows_both_lists_per_slot(client, attendee, programme):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1
    for slot in (MORNING, AFTERNOON, SECOND_DAY):
        assert f'id="slot-{slot}"' in html
    assert html.count(">Meine Favoriten</h3>") == 3
    assert html.count(">Weitere Angebote</h3>") == 3
    assert html.count("In diesem Zeitfenster nehme ich an keiner Session teil") == 3
    assert "Die Auswertung des Planspiels „Planspiel Neustart“ ist Teil von Workshop 2" in html
    assert "Frist für Ihre Wünsche: 31.10.2024 (wie die Anmeldefrist)" in html
    assert "js/preferences.js" in html and "Sortable.min.js" in html
    assert "<script>" not in html and 'style="' not in html


def test_page_anonymous_is_sent_to_login(client, programme):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/konto/anmelden" in response.headers["Location"]


def test_page_not_registered_is_403_with_message(client, make_user, login, programme):
    user = make_user()
    login(user)
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "Sie sind für diese Veranstaltung nicht angemeldet." in response.text


def test_page_unknown_or_draft_event_is_404(client, attendee, programme):
    assert client.get("/veranstaltungen/gibt-es-nicht/wuensche").status_code == 404
    programme.event.status = EventStatus.DRAFT
    programme.event.save()
    assert client.get(PAGE).status_code == 404


def test_page_after_deadline_is_read_only(client, attendee, programme, clock):
    client.post(url(AFTERNOON), data=order_data(programme, "WS 3"))
    clock(datetime(2024, 11, 2, 9, 0))
    html = client.get(PAGE).text
    assert "Die Frist für Ihre Wünsche ist abgelaufen." in html
    assert '<form class="ranking-item__actions"' not in html
    assert "nach oben" not in html and "ranking-item__handle" not in html
    assert "js/preferences.js" not in html
    assert "WS 3 – Prävention" in html


# --- saving: htmx ---------------------------------------------------------------------


def test_htmx_move_returns_slot_fragment_with_announcement(client, attendee, programme):
    client.post(url(AFTERNOON), data=order_data(programme, "WS 1", "WS 3"))
    response = client.post(url(AFTERNOON), data=move_data(programme, "WS 3", "up", 1), headers=HX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith(f'<section id="slot-{AFTERNOON}"')
    assert "<html" not in html
    assert f'<section id="slot-{MORNING}" ' in html and 'hx-swap-oob="true"' in html
    assert html.count('hx-swap-oob="true"') == 2  # the two other slots
    assert (
        '<span hx-swap-oob="innerHTML:#status-region">Workshop 3 ist jetzt auf Platz 1 von 2.'
        "</span>" in html
    )
    assert "HX-Request" in response.headers["Vary"]
    ws3 = programme.s["WS 3"].id
    assert json.loads(response.headers["HX-Trigger-After-Settle"]) == {
        "ranking-focus": [f"pref-{ws3}-up", f"pref-{ws3}"]
    }
    assert 'name="version" value="2"' in html and 'name="version" value="1"' not in html
    assert codes(attendee.registration) == ["WS 3", "WS 1"]


def test_htmx_drag_order_says_gespeichert(client, attendee, programme):
    response = client.post(url(AFTERNOON), data=order_data(programme, "WS 2", "WS 1"), headers=HX)
    assert response.status_code == 200
    assert '<span hx-swap-oob="innerHTML:#status-region">Gespeichert.</span>' in response.text
    assert "HX-Trigger-After-Settle" not in response.headers
    assert codes(attendee.registration) == ["WS 2", "WS 1"]


def test_htmx_add_game_updates_the_afternoon_out_of_band(client, attendee, programme):
    response = client.post(url(MORNING), data=move_data(programme, "PS", "add", 0), headers=HX)
    html = response.text
    afternoon = html[html.index(f'<section id="slot-{AFTERNOON}"') :]
    afternoon = afternoon[: afternoon.index("</section>")]
    assert "Platz 1<span" in afternoon and "WS 2 – Continuity of Government" in afternoon
    assert "Gehört zu Ihrem Favoriten Planspiel" in afternoon
    assert codes(attendee.registration, AFTERNOON) == ["WS 2"]
    assert codes(attendee.registration, MORNING) == ["PS"]


def test_htmx_refused_removal_is_422_with_the_fresh_slot(client, attendee, programme):
    client.post(url(MORNING), data=move_data(programme, "PS", "add", 0))
    response = client.post(
        url(AFTERNOON), data=move_data(programme, "WS 2", "remove", 1), headers=HX
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith(f'<section id="slot-{AFTERNOON}"')
    assert "Workshop 2 kann nicht entfernt werden, solange Planspiel" in response.text
    assert codes(attendee.registration) == ["WS 2"]
    assert version(attendee.registration) == 1


def test_htmx_stale_tab_gets_409_and_the_fresh_list(client, attendee, programme):
    """Tab A and tab B loaded version 0; A saves, B's save is refused and B sees A's list."""
    client.post(url(AFTERNOON), data=order_data(programme, "WS 1", "WS 3"), headers=HX)
    response = client.post(
        url(AFTERNOON), data=order_data(programme, "WS 3", "WS 2", "WS 1"), headers=HX
    )
    assert response.status_code == 409
    assert "an anderer Stelle geändert" in response.text
    assert 'name="version" value="1"' in response.text
    fresh = response.text[: response.text.index("Weitere Angebote")]
    assert fresh.index("WS 1 – ") < fresh.index("WS 3 – ") and "WS 2 – " not in fresh
    assert codes(attendee.registration) == ["WS 1", "WS 3"]


def test_htmx_after_deadline_is_403_with_read_only_slots(client, attendee, programme, clock):
    clock(datetime(2024, 11, 1, 0, 0))
    response = client.post(url(AFTERNOON), data=order_data(programme, "WS 1"), headers=HX)
    assert response.status_code == 403
    assert "Die Frist für Ihre Wünsche ist abgelaufen." in response.text
    assert "ranking-item__actions" not in response.text
    assert Preference.select().count() == 0


def test_htmx_not_registered_is_redirected_to_the_page(client, make_user, login, programme):
    login(make_user())
    response = client.post(url(AFTERNOON), data=order_data(programme, "WS 1"), headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == PAGE
    assert Preference.select().count() == 0


# --- saving: plain forms --------------------------------------------------------------


def test_plain_move_redirects_303_and_flashes_the_place(client, attendee, programme):
    client.post(url(AFTERNOON), data=order_data(programme, "WS 1", "WS 3"))
    response = client.post(url(AFTERNOON), data=move_data(programme, "WS 1", "down", 1))
    assert response.status_code == 303
    ws1 = programme.s["WS 1"].id
    assert response.headers["Location"] == f"{PAGE}#pref-{ws1}"
    page = client.get(PAGE).text
    assert "Workshop 1 ist jetzt auf Platz 2 von 2." in page
    assert codes(attendee.registration) == ["WS 3", "WS 1"]


def test_plain_skip_checkbox_saves(client, attendee, programme):
    response = client.post(url(SECOND_DAY), data={"version": 0, "action": "skip", "skip": "y"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{PAGE}#slot-{SECOND_DAY}"
    html = client.get(PAGE).text
    assert f'id="skip-{SECOND_DAY}" name="skip" value="y" checked' in html


def test_plain_refusal_rerenders_the_page_with_the_message(client, attendee, programme):
    response = client.post(url(AFTERNOON), data=order_data(programme, "WS 1", "WS 1"))
    assert response.status_code == 422
    assert response.text.count("<h1") == 1
    assert 'role="alert"' in response.text
    assert "Workshop 1 ist doppelt genannt." in response.text


def test_plain_not_registered_is_403(client, make_user, login, programme):
    login(make_user())
    response = client.post(url(AFTERNOON), data=order_data(programme, "WS 1"))
    assert response.status_code == 403
    assert "nicht angemeldet" in response.text


# --- bad inputs: 4xx and nothing changed ----------------------------------------------


@pytest.fixture
def ranked(client, attendee, programme):
    """The attendee has ranked WS 2, WS 1 (version 1)."""
    client.post(url(AFTERNOON), data=order_data(programme, "WS 2", "WS 1"))
    assert codes(attendee.registration) == ["WS 2", "WS 1"]
    return attendee


def _foreign_session(make_event, programme):
    from portal.events.models import Session

    other = make_event(slug="fremd")
    template = programme.s["WS 3"]
    return Session.create(
        event=other,
        code="WS 3",
        kind="workshop",
        title="Fremd",
        is_breakout=True,
        starts_at=template.starts_at,
        ends_at=template.ends_at,
        capacity=10,
    )


@pytest.mark.parametrize(
    ("make_data", "status", "message"),
    [
        (
            lambda p, f: {"version": 1, "action": "order", "order": [999_999]},
            422,
            "Diese Session gibt es in dieser Veranstaltung nicht.",
        ),
        (
            lambda p, f: {"version": 1, "action": "order", "order": [f.id]},
            422,
            "Diese Session gibt es in dieser Veranstaltung nicht.",
        ),
        (
            lambda p, f: {"version": 1, "action": "order", "order": [p.s["WS 7"].id]},
            422,
            "Workshop 7 findet in einem anderen Zeitfenster statt.",
        ),
        (
            lambda p, f: {
                "version": 1,
                "action": "order",
                "order": [p.s["WS 1"].id, p.s["WS 1"].id],
            },
            422,
            "Workshop 1 ist doppelt genannt.",
        ),
        (
            lambda p, f: {"version": 1, "action": "order", "order": ["drei"]},
            422,
            "Die Angaben sind unvollständig.",
        ),
        (
            lambda p, f: {"action": "order", "order": [p.s["WS 1"].id]},
            422,
            "Die Angaben sind unvollständig.",
        ),
        (lambda p, f: {"version": 1, "action": "shuffle"}, 422, "Die Angaben sind unvollständig."),
        (
            lambda p, f: {
                "version": 1,
                "action": "move",
                "session": p.s["WS 1"].id,
                "direction": "sideways",
            },
            422,
            "Die Angaben sind unvollständig.",
        ),
        (
            lambda p, f: {"version": 1, "action": "move", "direction": "up"},
            422,
            "Die Angaben sind unvollständig.",
        ),
        (
            lambda p, f: {
                "version": 1,
                "action": "move",
                "session": p.s["WS 3"].id,
                "direction": "up",
            },
            422,
            "Workshop 3 steht nicht in Ihren Favoriten.",
        ),
        (
            lambda p, f: {"version": 1, "action": "move", "session": f.id, "direction": "add"},
            422,
            "Diese Session gibt es in dieser Veranstaltung nicht.",
        ),
        (lambda p, f: order_data(p, "WS 3", version=0), 409, "an anderer Stelle geändert"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_bad_input_is_refused_and_changes_nothing(
    client, ranked, programme, make_event, make_data, status, message, headers
):
    foreign = _foreign_session(make_event, programme)
    response = client.post(url(AFTERNOON), data=make_data(programme, foreign), headers=headers)
    assert response.status_code == status
    assert message in response.text
    assert codes(ranked.registration) == ["WS 2", "WS 1"]
    assert version(ranked.registration) == 1


def test_bad_slot_is_404_and_changes_nothing(client, ranked, programme):
    response = client.post(url("2024-11-19-0700"), data=order_data(programme, "WS 1", version=1))
    assert response.status_code == 404
    assert "Dieses Zeitfenster gibt es in dieser Veranstaltung nicht." in response.text
    assert version(ranked.registration) == 1


def test_missing_csrf_token_is_refused(client, ranked, programme):
    response = client.post(
        url(AFTERNOON), data=order_data(programme, "WS 1", version=1), csrf=False
    )
    assert response.status_code == 400
    assert codes(ranked.registration) == ["WS 2", "WS 1"]


def test_other_persons_ranking_is_untouched(client, ranked, programme, make_user, register, login):
    """Each person saves only their own registration's ranking."""
    other = make_user()
    other_registration = register(other, programme.event)
    login(other)
    client.post(url(AFTERNOON), data=order_data(programme, "WS 3"))
    assert codes(other_registration) == ["WS 3"]
    assert codes(ranked.registration) == ["WS 2", "WS 1"]


# --- organisers -----------------------------------------------------------------------


ORGANISER = "/organisation/veranstaltungen/kommunaltagung/wuensche"


def test_organiser_page_needs_the_organiser_role(client, attendee):
    assert client.get(ORGANISER).status_code == 403
    assert client.get(ORGANISER + ".csv").status_code == 403


def test_organiser_page_shows_chart_and_table(client, programme, make_user, register, organiser):
    for order in (["WS 1", "WS 3"], ["WS 1"], ["WS 1", "WS 2"]):
        user = make_user()
        register(user, programme.event)
        services.save_slot(
            programme.event,
            user,
            slot_key=AFTERNOON,
            version=0,
            action="order",
            order=[programme.s[c].id for c in order],
        )
    response = client.get(ORGANISER)
    assert response.status_code == 200
    html = response.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="demand-chart__svg" role="img"' in html
    assert '<title id="demand-chart-title">Nachfrage nach Breakout-Sessions</title>' in html
    ws1 = programme.s["WS 1"].id
    row = html[html.index(f'id="demand-session-{ws1}"') :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[1:]]
    assert cells[:3] == ["2", "3", "3"]
    assert "stark nachgefragt" in row
    assert "3 von 3 bestätigten Teilnehmenden haben Wünsche angegeben." in html


def test_organiser_page_unknown_event_is_404(client, organiser):
    assert client.get("/organisation/veranstaltungen/nichts/wuensche").status_code == 404


def test_organiser_csv_reads_back_with_bom_semicolons_and_no_formulas(
    client, programme, make_user, register, organiser
):
    user = make_user()
    register(user, programme.event, last_name="=HYPERLINK(1)")
    services.save_slot(
        programme.event,
        user,
        slot_key=AFTERNOON,
        version=0,
        action="order",
        order=[programme.s["WS 3"].id, programme.s["WS 1"].id],
    )
    services.save_slot(
        programme.event, user, slot_key=SECOND_DAY, version=1, action="skip", skip=True
    )
    response = client.get(ORGANISER + ".csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Anmeldung Nr.",
        "Nachname",
        "Vorname",
        "Organisation",
        "E-Mail",
        "Status",
        "Zeitfenster",
        "Rang",
        "Kürzel",
        "Session",
    ]
    assert [(r[1], r[6], r[7], r[8], r[9]) for r in rows[1:]] == [
        ("'=HYPERLINK(1)", "19.11.2024 16:00", "1", "WS 3", "Prävention"),
        ("'=HYPERLINK(1)", "19.11.2024 16:00", "2", "WS 1", "Hybride Bedrohungen"),
        ("'=HYPERLINK(1)", "20.11.2024 09:00", "", "", "keine Session in diesem Zeitfenster"),
    ]
    assert rows[1][5] == "bestätigt"


# --- the link fragment for "Meine Anmeldungen" ----------------------------------------


def test_registration_link_fragment_only_for_active_registrations_with_breakouts(
    app, programme, make_user, register, make_event
):
    from flask import render_template_string

    template = '{% include "preferences/_registration_link.html" %}'
    active = register(make_user(), programme.event)
    cancelled = register(make_user(), programme.event, state="cancelled")
    plain_event = make_event(slug="ohne-breakouts")
    without = register(make_user(), plain_event)
    with app.test_request_context():
        html = render_template_string(template, registration=active)
        assert f'href="{PAGE}"' in html
        assert "Wünsche für die Breakout-Sessions" in html
        assert render_template_string(template, registration=cancelled).strip() == ""
        assert render_template_string(template, registration=without).strip() == ""
