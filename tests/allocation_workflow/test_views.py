"""The organisers' pages, the attendees' fragment and calendar, and the audit trail."""

from flask import render_template
from flask_login import login_user

from portal.allocation import services
from portal.allocation.models import AllocationRun, AllocationSettings, Pin
from tests.allocation_workflow.conftest import BEFORE_DEADLINE

BASE = "/organisation/veranstaltungen/kommunaltagung/zuteilung"


def test_overview_for_organisers_only(programme, client, login, make_user):
    login(make_user(email="nobody@example.org"))
    assert client.get(BASE).status_code == 403


def test_overview_shows_deadline_runs_and_settings(programme, person, organiser, client):
    person("Anna", programme.s["WS 1"])
    services.run_allocation(programme.event, actor=organiser)
    page = client.get(BASE)
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    assert "Die Frist für Wünsche ist am 31.10.2024 abgelaufen." in page.text
    assert "Lauf 1" in page.text
    assert 'name="priority_weight"' in page.text


def test_run_before_deadline_shows_the_reason_field_with_422(
    programme, person, organiser, client, clock
):
    person("Anna", programme.s["WS 1"])
    clock(BEFORE_DEADLINE)
    response = client.post(BASE + "/berechnen", data={"override_reason": ""})
    assert response.status_code == 422
    assert "Die Frist für Wünsche läuft noch bis 31.10.2024." in response.text
    assert 'aria-describedby="override_reason-hint override_reason-error"' in response.text
    assert AllocationRun.select().count() == 0
    response = client.post(BASE + "/berechnen", data={"override_reason": "Raumplanung"})
    run = AllocationRun.get()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{BASE}/laeufe/{run.id}")


def test_run_with_pins_that_cannot_hold_shows_the_german_error(
    programme, person, organiser, client
):
    people = [person(n, programme.s["WS 7"]) for n in ("Ahrens", "Berg", "Conrad")]
    for registration in people:
        Pin.create(
            event=programme.event,
            registration=registration,
            session=programme.s["WS 7"],
            kind="pin",
        )
    response = client.post(BASE + "/berechnen")
    assert response.status_code == 422
    assert "Festlegungen passen nicht: WS 7 hat 2 Plätze, aber 3 Festlegungen" in response.text
    assert f"Erika Conrad (Nr. {people[2].id})" in response.text


def test_run_page_shows_profile_fill_and_difference(programme, person, organiser, client):
    s = programme.s
    for name in ("A", "B", "C"):
        person(name, s["WS 1"], s["WS 3"])
    services.run_allocation(programme.event, actor=organiser)
    person("D", s["WS 1"], s["WS 3"])
    run = services.run_allocation(programme.event, actor=organiser)
    page = client.get(f"{BASE}/laeufe/{run.id}")
    assert page.status_code == 200
    assert '<span class="allocation-fact__value" id="run-worst">2. Wunsch</span>' in page.text
    assert '<meter min="0" max="2" value="2"' in page.text
    assert "2 von 2 Plätzen (100 %)" in page.text
    assert "Verglichen mit Lauf 1" in page.text
    assert "1 Person ist neu dabei." in page.text
    assert '<th scope="row" class="kern-table__cell">1. Wunsch</th>' in page.text


def test_run_page_queries_do_not_grow_with_attendees(
    programme, person, organiser, client, count_queries
):
    s = programme.s
    for n in range(3):
        person(f"Few{n}", s["PS"], s["WS 2"], s["WS 7"])
    services.run_allocation(programme.event, actor=organiser)
    small = services.run_allocation(programme.event, actor=organiser)  # has a previous run
    for n in range(25):
        person(f"Many{n}", s["PS"], s["WS 2"], s["WS 1"], s["V 2"])
    large = services.run_allocation(programme.event, actor=organiser)
    with count_queries() as few:
        assert client.get(f"{BASE}/laeufe/{small.id}").status_code == 200
    with count_queries() as many:
        assert client.get(f"{BASE}/laeufe/{large.id}").status_code == 200
    assert len(few) == len(many)


def test_run_page_of_another_event_is_404(programme, person, organiser, client, make_event):
    other = make_event(slug="andere")
    person("Anna", programme.s["WS 1"])
    run = services.run_allocation(programme.event, actor=organiser)
    assert (
        client.get(
            f"/organisation/veranstaltungen/{other.slug}/zuteilung/laeufe/{run.id}"
        ).status_code
        == 404
    )


def test_publish_needs_confirmation_and_refuses_twice(programme, person, organiser, client):
    person("Anna", programme.s["WS 1"])
    run = services.run_allocation(programme.event, actor=organiser)
    url = f"{BASE}/laeufe/{run.id}/veroeffentlichen"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "1 bestätigte Teilnehmende erhalten eine E-Mail" in confirm.text
    missing = client.post(url, data={})
    assert missing.status_code == 422
    assert "Bitte bestätigen Sie die Veröffentlichung." in missing.text
    assert client.post(url, data={"confirm": "y"}).status_code == 303
    again = client.post(url, data={"confirm": "y"})
    assert again.status_code == 422
    assert "Dieser Lauf ist bereits veröffentlicht." in again.text


def test_settings_form_keeps_input_and_saves(programme, organiser, client):
    bad = client.post(
        BASE + "/einstellungen",
        data={"municipal_priority": "y", "priority_weight": "null", "offer_hours": "24"},
    )
    assert bad.status_code == 422
    assert "Bitte geben Sie eine ganze Zahl ein." in bad.text
    assert 'value="24"' in bad.text
    good = client.post(
        BASE + "/einstellungen",
        data={"municipal_priority": "y", "priority_weight": "3", "offer_hours": "24"},
    )
    assert good.status_code == 303
    settings = AllocationSettings.get(AllocationSettings.event == programme.event)
    assert (settings.municipal_priority, settings.priority_weight, settings.offer_hours) == (
        True,
        3,
        24,
    )


def test_pin_form_adds_and_removes(programme, person, organiser, client):
    anna = person("Anna", programme.s["WS 1"])
    bad = client.post(BASE + "/festlegungen", data={"session": str(programme.s["WS 1"].id)})
    assert bad.status_code == 422
    assert "Bitte wählen Sie eine Person." in bad.text
    ok = client.post(
        BASE + "/festlegungen",
        data={
            "registration": str(anna.id),
            "session": str(programme.s["WS 1"].id),
            "kind": "forbid",
        },
    )
    assert ok.status_code == 303
    pin = Pin.get()
    assert (pin.registration_id, pin.kind) == (anna.id, "forbid")
    page = client.get(BASE + "/festlegungen")
    assert "ausschließen" in page.text
    assert client.post(f"{BASE}/festlegungen/{pin.id}/entfernen").status_code == 303
    assert Pin.select().count() == 0


def test_reassign_form_without_reason_is_422(programme, person, organiser, client):
    anna = person("Anna", programme.s["WS 1"])
    services.publish_run(services.run_allocation(programme.event, actor=organiser), actor=organiser)
    response = client.post(
        BASE + "/umbuchen",
        data={"registration": str(anna.id), "session": str(programme.s["WS 3"].id), "reason": ""},
    )
    assert response.status_code == 422
    assert "Bitte begründen Sie die Umbuchung." in response.text
    assert f'<option selected value="{anna.id}">' in response.text


def test_audit_trail_lists_who_did_what(programme, person, organiser, client):
    anna = person("Anna", programme.s["WS 1"])
    services.add_pin(
        programme.event,
        registration_id=anna.id,
        session_id=programme.s["WS 1"].id,
        kind="pin",
        actor=organiser,
    )
    run = services.run_allocation(programme.event, actor=organiser)
    services.publish_run(run, actor=organiser)
    page = client.get(BASE + "/protokoll")
    assert page.status_code == 200
    for label in (
        "Festlegung hinzugefügt",
        "Zuteilung berechnet (Probelauf)",
        "Zuteilung veröffentlicht",
    ):
        assert label in page.text
    assert page.text.count("Olga Orga") == 3
    assert f"Erika Anna (Nr. {anna.id})" in page.text


def test_my_sessions_fragment_lists_published_seats(app, programme, person, organiser):
    anna = person("Anna", programme.s["WS 1"], programme.s["V 2"])
    run = services.run_allocation(programme.event, actor=organiser)

    def fragment():
        with app.app_context(), app.test_request_context():  # a fresh `g` per page
            login_user(anna.account)
            return render_template("allocation/_my_sessions.html", registration=anna)

    assert "Ihre Sessions" not in fragment()
    services.publish_run(run, actor=organiser)
    html = fragment()
    assert "19.11.2024, 16:00–18:00 Uhr: WS 1 – Hybride Bedrohungen (Raum Raum WS 1)" in html
    assert f"/zuteilung/anmeldungen/{anna.id}/sessions.ics" in html


def test_calendar_download_is_own_only(programme, person, organiser, client, login):
    anna = person("Anna", programme.s["WS 1"])
    ben = person("Ben", programme.s["WS 3"])
    services.publish_run(services.run_allocation(programme.event, actor=organiser), actor=organiser)
    login(anna.account)
    own = client.get(f"/zuteilung/anmeldungen/{anna.id}/sessions.ics")
    assert own.status_code == 200
    assert own.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert own.data.count(b"BEGIN:VEVENT") == 1
    assert b"DTSTART;TZID=Europe/Berlin:20241119T160000" in own.data
    assert client.get(f"/zuteilung/anmeldungen/{ben.id}/sessions.ics").status_code == 404
