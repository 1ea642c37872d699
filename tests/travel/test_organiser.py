"""The organisers' pages: queue with filters and sums, htmx fragment, settings, few queries."""

from contextlib import contextmanager
from datetime import datetime

import pytest

from portal.events import services as event_services
from portal.events.models import DeadlineKind
from portal.extensions import db
from portal.travel import services
from portal.travel.models import ClaimItem, ClaimSettings, ClaimState
from tests.travel.helpers import item_values, text_of


@pytest.fixture
def claims(make_user, make_claim, organiser):
    """Three claims: a draft (Anna), a submitted one (Bernd) and an approved one (Clara)."""
    anna = make_claim(make_user(name="Anna Alt"))
    bernd = make_claim(make_user(name="Bernd Brandt"), submitted=True)
    clara = make_claim(
        make_user(name="Clara Cord"),
        submitted=True,
        items=[item_values(), item_values(kind="local", amount_cents=1000)],
    )
    clara = services.start_review(clara, reviewer=organiser)
    items = ClaimItem.select().where(ClaimItem.claim == clara).order_by(ClaimItem.id)
    clara = services.approve_claim(
        clara, reviewer=organiser, amounts={i.id: i.amount_cents for i in items}
    )
    return anna, bernd, clara


def url(event, suffix=""):
    return f"/organisation/veranstaltungen/{event.slug}/reisekosten{suffix}"


def test_queue_sums_per_state(claims, event):
    queue = services.claim_queue(event, services.QueueFilters())
    assert queue.sums[ClaimState.DRAFT] == services.StateSum(1, 0, 0)
    assert queue.sums[ClaimState.SUBMITTED] == services.StateSum(1, 4990, 0)
    assert queue.sums[ClaimState.APPROVED] == services.StateSum(1, 5990, 5990)
    assert queue.sums[ClaimState.PAID] == services.StateSum(0, 0, 0)


def test_queue_hides_drafts_by_default(claims, event):
    anna, bernd, clara = claims
    queue = services.claim_queue(event, services.QueueFilters())
    assert [c.id for c in queue.claims] == [bernd.id, clara.id]  # oldest first
    assert (queue.claimed_cents, queue.approved_cents) == (10980, 5990)
    everything = services.claim_queue(event, services.QueueFilters(state=""))
    assert sorted(c.id for c in everything.claims) == sorted(c.id for c in claims)


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"state": "approved"}, ["Clara"]),
        ({"state": "submitted"}, ["Bernd"]),
        ({"state": "", "q": "alt"}, ["Anna"]),
        ({"q": "Brandt"}, ["Bernd"]),
    ],
)
def test_queue_filters(claims, event, filters, names):
    queue = services.claim_queue(event, services.QueueFilters(**filters))
    assert [c.registration.first_name for c in queue.claims] == names


def test_queue_finds_a_claim_by_its_number(claims, event):
    bernd = claims[1]
    queue = services.claim_queue(event, services.QueueFilters(q=bernd.number.lower()))
    assert [c.id for c in queue.claims] == [bernd.id]


def test_queue_page_and_htmx_fragment(claims, organiser, sign_in, event):
    client = sign_in(organiser)
    page = client.get(url(event))
    assert page.status_code == 200
    assert "HX-Request" in page.headers["Vary"]
    assert "Bernd" in page.text and "Anna" not in page.text
    assert "109,80 €" in text_of(page)
    fragment = client.get(url(event, "?state=approved"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="claim-queue"')
    assert "<html" not in fragment.text
    assert "Clara" in fragment.text and "Bernd" not in fragment.text
    assert "1 Antrag gefunden." in text_of(fragment)


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block."""
    counter = {"n": 0}
    original = db.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        counter["n"] += 1
        return original(sql, params, *args, **kwargs)

    db.obj.execute_sql = counting
    try:
        yield counter
    finally:
        db.obj.execute_sql = original


def test_queue_and_claim_pages_use_a_constant_number_of_queries(
    make_user, make_claim, organiser, sign_in, event
):
    client = sign_in(organiser)
    first = make_claim(make_user(name="Eins Erster"), submitted=True)
    with count_queries() as few:
        client.get(url(event))
    with count_queries() as few_claim:
        client.get(url(event, f"/{first.id}"))
    many = [make_user(name=f"Person Nummer{i}") for i in range(4)]
    more = make_claim(
        many[0],
        submitted=True,
        items=[item_values(), item_values(kind="local", amount_cents=300), item_values()],
    )
    for user in many[1:]:
        make_claim(user, submitted=True)
    with count_queries() as lots:
        client.get(url(event))
    with count_queries() as lots_claim:
        client.get(url(event, f"/{more.id}"))
    assert lots["n"] == few["n"]
    assert lots_claim["n"] == few_claim["n"]


def test_settings_are_saved_from_german_input(organiser, sign_in, event):
    response = sign_in(organiser).post(
        url(event, "/einstellungen"),
        data={
            "car_rate": "0,30",
            "car_cap": "150,00",
            "hotel_night": "80",
            "second_approval": "1.000,00",
            "deadline_on": "2025-06-30",
            "debtor_name": "Bundesministerium des Innern",
            "debtor_iban": "DE75 5121 0800 1245 1261 99",
            "debtor_bic": "",
        },
    )
    assert response.status_code == 303
    settings = ClaimSettings.get(ClaimSettings.event == event)
    assert (
        settings.car_rate_cents,
        settings.car_cap_cents,
        settings.hotel_night_cents,
        settings.second_approval_cents,
        settings.debtor_iban,
    ) == (30, 15000, 8000, 100000, "DE75512108001245126199")
    assert services.claim_window(event).closes_at == datetime(2025, 6, 30, 23, 59, 59)


def test_settings_page_shows_the_defaults(organiser, sign_in, event):
    page = sign_in(organiser).get(url(event, "/einstellungen"))
    assert 'value="0,20"' in page.text
    assert 'value="130,00"' in page.text
    assert 'value="70,00"' in page.text
    assert 'value="2025-05-20"' in page.text


SETTINGS = {
    "car_rate": "0,20",
    "car_cap": "130,00",
    "hotel_night": "70,00",
    "second_approval": "",
    "deadline_on": "2025-05-20",
    "debtor_iban": "",
}


def test_settings_refuse_zero_a_deadline_before_the_end_and_a_bad_iban(organiser, sign_in, event):
    data = {**SETTINGS, "car_rate": "0", "deadline_on": "2024-11-01", "debtor_iban": "DE00 0000"}
    response = sign_in(organiser).post(url(event, "/einstellungen"), data=data)
    assert response.status_code == 422
    text = text_of(response)
    assert "Bitte geben Sie einen Betrag größer als 0,00 € an." in text
    assert "Die Frist darf nicht vor dem Ende der Veranstaltung liegen." in text
    assert "Diese IBAN ist ungültig. Bitte prüfen Sie die Eingabe." in text
    assert 'value="DE00 0000"' in response.text
    assert ClaimSettings.select().count() == 0


def test_settings_refuse_text_as_an_amount(organiser, sign_in, event):
    data = {**SETTINGS, "car_cap": "viel"}
    response = sign_in(organiser).post(url(event, "/einstellungen"), data=data)
    assert response.status_code == 422
    assert "Bitte geben Sie einen Betrag in Euro an, zum Beispiel 12,50." in text_of(response)
    assert 'value="viel"' in response.text
    assert ClaimSettings.select().count() == 0


def test_settings_show_an_extended_deadline(organiser, sign_in, event):
    event_services.set_deadline(event, DeadlineKind.CLAIMS, datetime(2025, 5, 20, 23, 59, 59))
    event_services.set_deadline(event, DeadlineKind.CLAIMS, datetime(2025, 7, 31, 23, 59, 59))
    text = text_of(sign_in(organiser).get(url(event, "/einstellungen")))
    assert "Frist verlängert bis 31.07.2025" in text
    assert "ursprünglich 20.05.2025" in text
