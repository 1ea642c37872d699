"""The organisers' list: access, counts, live filters (htmx), settings and the exports."""

import csv
import io
import re
from datetime import date

import openpyxl
import pytest

from portal.registration import exports, services
from portal.registration.models import RegistrationSettings


def base(event) -> str:
    return f"/organisation/veranstaltungen/{event.slug}/anmeldungen"


def listed_names(html: str) -> list[str]:
    return re.findall(r'<a class="kern-link" href="[^"]+/anmeldungen/\d+">([^<]+)</a>', html)


@pytest.fixture
def crowd(open_event, register_user):
    """An event with four registrations of different kinds (capacity 3: one waitlisted)."""
    event = open_event(capacity=3)
    register_user(
        event,
        first_name="Anna",
        last_name="Amsel",
        organisation="Stadt Erfurt",
        organisation_type="municipality",
        federal_state="TH",
        wants_reimbursement=True,
        days=[date(2024, 11, 19)],
    )
    register_user(
        event,
        first_name="Bernd",
        last_name="Bussard",
        organisation="Bundesministerium",
        organisation_type="federal",
        federal_state="BE",
        days=[date(2024, 11, 20)],
    )
    register_user(
        event,
        first_name="Clara",
        last_name="Cormoran",
        organisation="Landkreis Harz",
        organisation_type="district",
        federal_state="ST",
        wants_reimbursement=True,
        days=[date(2024, 11, 19), date(2024, 11, 20)],
    )
    register_user(
        event,
        first_name="Dora",
        last_name="Dohle",
        organisation='=HYPERLINK("http://evil.example")',
        organisation_type="other",
        federal_state="ST",
        function="@SUM(A1)",
        phone="+49 391 1",
        days=[date(2024, 11, 19)],
    )
    return event


@pytest.mark.parametrize("suffix", ["", "/einstellungen", "/nachmeldung", "/export.csv"])
def test_organiser_pages_are_forbidden_for_attendees(client, attendee, open_event, suffix):
    assert client.get(base(open_event()) + suffix).status_code == 403


def test_organiser_pages_need_login(client, open_event):
    response = client.get(base(open_event()))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


def test_list_shows_counts_per_state(client, organiser, crowd):
    page = client.get(base(crowd))
    assert page.status_code == 200
    counts = dict(re.findall(r'data-state="(\w+)">(\d+)<', page.text))
    assert counts == {
        "pending": "0",
        "confirmed": "3",
        "waitlisted": "1",
        "cancelled": "0",
        "rejected": "0",
    }
    assert "Plätze: 3 von 3 vergeben, 0 frei." in page.text
    assert listed_names(page.text) == [
        "Amsel, Anna",
        "Bussard, Bernd",
        "Cormoran, Clara",
        "Dohle, Dora",
    ]
    assert "auf der Warteliste, Platz 1" in page.text


def test_state_counts_use_one_grouped_query(app, crowd, count_queries):
    with count_queries() as queries:
        counts = services.state_counts(crowd)
    assert len(queries) == 1
    assert "GROUP BY" in queries[0]
    assert counts[services.State.CONFIRMED] == 3


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "erfurt"}, ["Amsel, Anna"]),
        ({"q": "Cormoran"}, ["Cormoran, Clara"]),
        ({"state": "waitlisted"}, ["Dohle, Dora"]),
        ({"organisation_type": "federal"}, ["Bussard, Bernd"]),
        ({"federal_state": "ST"}, ["Cormoran, Clara", "Dohle, Dora"]),
        ({"day": "2024-11-20"}, ["Bussard, Bernd", "Cormoran, Clara"]),
        ({"reimbursement": "yes"}, ["Amsel, Anna", "Cormoran, Clara"]),
        ({"reimbursement": "no", "federal_state": "ST"}, ["Dohle, Dora"]),
    ],
)
def test_list_filters(client, organiser, crowd, query, names):
    page = client.get(base(crowd), query_string=query)
    assert page.status_code == 200
    assert listed_names(page.text) == names


def test_list_answers_htmx_with_the_fragment(client, organiser, crowd):
    response = client.get(base(crowd), query_string={"q": "Amsel"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in [v.strip() for v in response.headers["Vary"].split(",")]
    assert response.text.lstrip().startswith('<div id="registration-list"')
    assert "<html" not in response.text
    assert listed_names(response.text) == ["Amsel, Anna"]
    assert 'hx-swap-oob="innerHTML:#status-region">1 Anmeldung gefunden.' in response.text


def test_filter_form_works_as_plain_get_and_with_htmx(client, organiser, crowd):
    page = client.get(base(crowd))
    form = re.search(r'<form method="get" role="search"[^>]*>', page.text).group(0)
    assert f'action="{base(crowd)}"' in form
    assert f'hx-get="{base(crowd)}"' in form
    assert 'hx-target="#registration-list"' in form
    assert 'hx-trigger="input changed delay:300ms, change"' in form


def test_list_needs_a_constant_number_of_queries(
    client, organiser, crowd, register_user, count_queries
):
    with count_queries() as few:
        client.get(base(crowd))
    for _ in range(5):
        register_user(crowd)
    with count_queries() as many:
        page = client.get(base(crowd))
    assert len(listed_names(page.text)) == 9
    assert len(many) == len(few)


def test_csv_export_for_german_excel(client, organiser, crowd):
    response = client.get(base(crowd) + "/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="anmeldungen-{crowd.slug}.csv"'
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:8] == [
        "Nr.",
        "Status",
        "Wartelistenplatz",
        "Anrede",
        "Titel",
        "Vorname",
        "Nachname",
        "Organisation",
    ]
    by_name = {row[header.index("Nachname")]: dict(zip(header, row, strict=True)) for row in body}
    assert by_name["Amsel"]["Bundesland"] == "Thüringen"
    assert by_name["Amsel"]["Erstattungswunsch"] == "ja"
    assert by_name["Dohle"]["Status"] == "auf der Warteliste"
    assert by_name["Dohle"]["Wartelistenplatz"] == "1"
    assert by_name["Dohle"]["Organisation"] == '\'=HYPERLINK("http://evil.example")'
    assert by_name["Dohle"]["Funktion"] == "'@SUM(A1)"
    assert by_name["Dohle"]["Telefon"] == "'+49 391 1"
    assert by_name["Cormoran"]["Tage"] == "19.11.2024, 20.11.2024"


def test_csv_export_follows_the_filters(client, organiser, crowd):
    response = client.get(base(crowd) + "/export.csv", query_string={"federal_state": "ST"})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert [row[6] for row in rows[1:]] == ["Cormoran", "Dohle"]


def test_xlsx_export_has_no_formulas(client, organiser, crowd):
    response = client.get(base(crowd) + "/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == exports.FORMATS["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["Nr.", "Status", "Wartelistenplatz"]
    dohle = next(row for row in sheet.iter_rows(min_row=2) if row[6].value == "Dohle")
    organisation = dohle[header.index("Organisation")]
    assert organisation.value == '=HYPERLINK("http://evil.example")'
    assert organisation.data_type == "s"
    function = dohle[header.index("Funktion")]
    assert (function.value, function.data_type) == ("@SUM(A1)", "s")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert dohle[0].value == int(dohle[0].value)  # the number stays a number


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 123", "'+49 30 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Stadt Erfurt", "Stadt Erfurt"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(raw, safe):
    assert exports.neutralise(raw) == safe


def test_export_unknown_format_is_404(client, organiser, crowd):
    assert client.get(base(crowd) + "/export.pdf").status_code == 404


def test_settings_save_capacity_approval_and_questions(client, organiser, open_event):
    event = open_event(capacity=10)
    data = {
        "capacity": "120",
        "opens_at": "2024-09-01T10:00",
        "needs_approval": "y",
        "ask_evening": "y",
        "ask_reimbursement": "y",
        "reimbursement_types": ["municipality", "district", "municipal_association"],
    }
    response = client.post(base(event) + "/einstellungen", data=data)
    assert response.status_code == 303
    settings = RegistrationSettings.get(event=event)
    assert settings.capacity == 120
    assert settings.needs_approval is True
    assert (settings.ask_evening, settings.ask_dietary, settings.ask_photo_consent) == (
        True,
        False,
        False,
    )
    assert settings.reimbursement_types == "municipality,district,municipal_association"
    event = type(event).get_by_id(event.id)
    assert event.registration_opens_at.isoformat() == "2024-09-01T10:00:00"


def test_settings_refuse_negative_capacity(client, organiser, open_event):
    event = open_event(capacity=10)
    response = client.post(base(event) + "/einstellungen", data={"capacity": "-1"})
    assert response.status_code == 422
    assert "Die Platzzahl darf nicht negativ sein." in response.text
    assert RegistrationSettings.get(event=event).capacity == 10


def test_unknown_event_is_404_for_organisers(client, organiser):
    assert client.get("/organisation/veranstaltungen/gibt-es-nicht/anmeldungen").status_code == 404


def test_registration_of_another_event_is_404(client, organiser, open_event, register_user):
    other = register_user(open_event())
    event = open_event()
    assert client.get(f"{base(event)}/{other.id}").status_code == 404


def test_export_links_carry_only_the_filters(client, organiser, crowd):
    page = client.get(base(crowd), query_string={"q": "Amsel", "slug": "x", "fmt": "pdf"})
    assert page.status_code == 200
    assert f'href="{base(crowd)}/export.csv?q=Amsel"' in page.text
    assert f'href="{base(crowd)}/export.xlsx?q=Amsel"' in page.text
