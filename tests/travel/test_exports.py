"""Payment exports: a SEPA file (pain.001.001.09) validated against sepaxml's schema and read
back, the cash office's list as CSV and XLSX, marking paid, discarding."""

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sepaxml
import xmlschema

from portal.mailer import deliver_pending
from portal.travel import exports, services
from portal.travel.models import (
    ClaimItem,
    ClaimSettings,
    ClaimState,
    PaymentExport,
    PaymentExportLine,
    TravelClaim,
)
from tests.conftest import PASSWORD
from tests.travel.helpers import IBAN, OTHER_IBAN, text_of

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"
DEBTOR_IBAN = "DE75512108001245126199"
EXECUTION = date(2024, 11, 25)


@pytest.fixture
def debtor(event):
    return ClaimSettings.create(
        event=event, debtor_name="Bundesministerium des Innern", debtor_iban=DEBTOR_IBAN
    )


@pytest.fixture
def approve(make_claim, organiser, make_user, make_registration):
    """approve(name, cents=None, iban=IBAN): an approved claim of a new attendee."""

    def make(name, cents=None, iban=IBAN, holder=None):
        user = make_user(name=name)
        claim = make_claim(user, submitted=False, complete=True)
        if iban != IBAN or holder:
            services.save_bank_details(
                claim, user=user, account_holder=holder or name, iban=iban, password=PASSWORD
            )
        services.submit_claim(TravelClaim.get_by_id(claim.id), user=user, declaration=True)
        claim = services.start_review(TravelClaim.get_by_id(claim.id), reviewer=organiser)
        item = ClaimItem.get(ClaimItem.claim == claim)
        approved = cents if cents is not None else item.amount_cents
        return services.approve_claim(
            claim, reviewer=organiser, amounts={item.id: approved}, notes={item.id: "gekürzt"}
        )

    return make


def test_export_contains_every_approved_unpaid_claim(approve, organiser, event, debtor):
    first = approve("Erika Mustermann")
    second = approve("Jörg Übel", cents=3000, iban=OTHER_IBAN)
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    assert (export.claim_count, export.total_cents) == (2, 4990 + 3000)
    assert [(line.claim_id, line.amount_cents) for line in export.lines] == [
        (first.id, 4990),
        (second.id, 3000),
    ]
    assert {c.export_id for c in TravelClaim.select()} == {export.id}


def test_sepa_file_is_valid_and_reads_back(approve, organiser, event, debtor):
    first = approve("Erika Mustermann")
    second = approve("Jörg Übel", cents=3000, iban=OTHER_IBAN)
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    xml = services.sepa_file(export)
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())  # raises when invalid
    summary = exports.read_sepa(xml)
    assert summary.message_id == export.message_id
    assert (summary.count, summary.control_sum_cents) == (2, 7990)
    assert summary.debtor_iban == DEBTOR_IBAN
    assert summary.execution_date == "2024-11-25"
    assert summary.transactions == [
        exports.SepaTransaction(
            first.number,
            "Erika Mustermann",
            IBAN,
            "COBADEFFXXX",
            4990,
            f"Reisekosten Kommunaltagung 2024 {first.number}",
        ),
        exports.SepaTransaction(
            second.number,
            "Jorg Ubel",
            OTHER_IBAN,
            "BYLADEM1001",
            3000,
            f"Reisekosten Kommunaltagung 2024 {second.number}",
        ),
    ]


def test_stored_sepa_file_is_encrypted(approve, organiser, event, debtor):
    approve("Erika Mustermann")
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    stored = PaymentExport.get_by_id(export.id).sepa_encrypted
    assert stored.startswith("v1:")
    assert IBAN not in stored


def test_remittance_keeps_the_claim_number_when_the_title_is_long():
    text = exports.remittance("Gleichwertig, resilient, gemeinsam – " * 10, "RK-00042")
    assert len(text) <= 140
    assert text.startswith("Reisekosten Gleichwertig, resilient, gemeinsam")
    assert text.endswith(" RK-00042")


def test_sepa_text_keeps_only_the_sepa_character_set():
    assert exports.sepa_text("Müller & Söhne „GmbH“ <x>", 70) == "Muller Sohne GmbH x"


def test_invalid_file_is_refused_by_the_schema():
    with pytest.raises(exports.SepaInvalid):
        exports.validate(b'<Document xmlns="%s"/>' % exports.NAMESPACE["p"].encode())


def test_csv_for_the_cash_office(approve, organiser, event, debtor, sign_in):
    first = approve("Erika Mustermann", holder='=HYPERLINK("http://x")')
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    response = sign_in(organiser).get(
        f"/organisation/veranstaltungen/{event.slug}/reisekosten/zahlungen/{export.id}/auszahlung.csv"
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == exports.headers()
    assert rows[1] == [
        "1",
        first.number,
        '\'=HYPERLINK("http://x")',
        IBAN,
        "COBADEFFXXX",
        "49,90",
        f"Reisekosten Kommunaltagung 2024 {first.number}",
        first.number,
        "25.11.2024",
        "Erika Mustermann",
        "Stadt Magdeburg",
    ]
    assert len(rows) == 2


def test_xlsx_for_the_cash_office(approve, organiser, event, debtor, sign_in):
    first = approve("Erika Mustermann")
    second = approve("Max Muster", cents=1234, iban=OTHER_IBAN)
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    response = sign_in(organiser).get(
        f"/organisation/veranstaltungen/{event.slug}/reisekosten/zahlungen/{export.id}/auszahlung.xlsx"
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == exports.headers()
    assert [r[1] for r in rows[1:3]] == [first.number, second.number]
    assert [r[3] for r in rows[1:3]] == [IBAN, OTHER_IBAN]
    assert [round(r[5] * 100) for r in rows[1:3]] == [4990, 1234]
    assert rows[3][4:6] == ["Summe", pytest.approx(62.24)]


def test_sepa_download_is_the_stored_file(approve, organiser, event, debtor, sign_in):
    approve("Erika Mustermann")
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    url = f"/organisation/veranstaltungen/{event.slug}/reisekosten/zahlungen/{export.id}/sepa.xml"
    client = sign_in(organiser)
    first, again = client.get(url), client.get(url)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/xml"
    assert first.headers["Cache-Control"] == "no-store"
    assert first.data == again.data == services.sepa_file(export)


def test_export_through_the_page(approve, organiser, event, debtor, sign_in):
    claim = approve("Erika Mustermann")
    client = sign_in(organiser)
    base = f"/organisation/veranstaltungen/{event.slug}/reisekosten/zahlungen"
    page = client.get(base)
    assert claim.number in page.text
    assert "49,90 €" in text_of(page)
    response = client.post(base, data={"execution_date": "2024-11-25"})
    export = PaymentExport.get()
    assert response.status_code == 303
    assert response.headers["Location"] == f"{base}/{export.id}"
    assert "Es gibt keine bewilligten, noch nicht ausgezahlten Anträge." in text_of(
        client.get(base)
    )


def test_export_with_a_past_execution_date_is_refused(approve, organiser, event, debtor, sign_in):
    approve("Erika Mustermann")
    response = sign_in(organiser).post(
        f"/organisation/veranstaltungen/{event.slug}/reisekosten/zahlungen",
        data={"execution_date": "2024-11-01"},
    )
    assert response.status_code == 422
    assert "Das Ausführungsdatum darf nicht in der Vergangenheit liegen." in text_of(response)
    assert PaymentExport.select().count() == 0


def test_export_without_a_paying_account_is_refused(approve, organiser, event):
    approve("Erika Mustermann")
    with pytest.raises(services.ClaimError, match="auszahlende Konto"):
        services.create_export(event, actor=organiser, execution_date=EXECUTION)
    assert PaymentExport.select().count() == 0


def test_paying_account_may_come_from_the_configuration(app, approve, organiser, event):
    app.config.update(TRAVEL_DEBTOR_NAME="Bundeskasse", TRAVEL_DEBTOR_IBAN=DEBTOR_IBAN)
    approve("Erika Mustermann")
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    assert exports.read_sepa(services.sepa_file(export)).debtor_iban == DEBTOR_IBAN


def test_nothing_to_export_is_refused(organiser, event, debtor):
    with pytest.raises(services.ClaimError, match="keine bewilligten"):
        services.create_export(event, actor=organiser, execution_date=EXECUTION)


def test_claims_in_an_open_export_are_not_exported_twice(approve, organiser, event, debtor):
    approve("Erika Mustermann")
    services.create_export(event, actor=organiser, execution_date=EXECUTION)
    later = approve("Max Muster")
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    assert [line.claim_id for line in export.lines] == [later.id]


def test_marking_an_export_paid_pays_its_claims(
    approve, organiser, event, debtor, sign_in, mailbox
):
    claim = approve("Erika Mustermann")
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    client = sign_in(organiser)
    base = f"/organisation/veranstaltungen/{event.slug}/reisekosten/zahlungen/{export.id}"
    assert client.post(base + "/bezahlt").status_code == 303
    claim = TravelClaim.get_by_id(claim.id)
    assert claim.state == ClaimState.PAID
    assert claim.paid_at is not None
    assert PaymentExport.get_by_id(export.id).paid_by_id == organiser.id
    deliver_pending()
    assert mailbox[-1]["Subject"] == f"Reisekostenantrag {claim.number} ausgezahlt"
    response = client.post(base + "/bezahlt", follow_redirects=True)
    assert "Diese Zahlungsdatei ist bereits abgeschlossen." in text_of(response)


def test_discarding_an_export_releases_its_claims(approve, organiser, event, debtor):
    claim = approve("Erika Mustermann")
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    services.cancel_export(export, actor=organiser)
    assert TravelClaim.get_by_id(claim.id).export_id is None
    assert PaymentExportLine.select().count() == 1  # the record of the discarded file stays
    again = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    assert [line.claim_id for line in again.lines] == [claim.id]
    with pytest.raises(services.ClaimError, match="bereits abgeschlossen"):
        services.mark_export_paid(PaymentExport.get_by_id(export.id), actor=organiser)


def test_export_line_amount_is_the_approved_amount(approve, organiser, event, debtor):
    approve("Erika Mustermann", cents=2500)
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    assert exports.read_sepa(services.sepa_file(export)).transactions[0].amount_cents == 2500


def test_export_page_lists_paying_account_and_claims(approve, organiser, event, debtor, sign_in):
    approve("Erika Mustermann")
    export = services.create_export(event, actor=organiser, execution_date=EXECUTION)
    page = sign_in(organiser).get(
        f"/organisation/veranstaltungen/{event.slug}/reisekosten/zahlungen/{export.id}"
    )
    text = text_of(page)
    assert export.message_id in text
    assert "Als ausgezahlt markieren" in text
    assert IBAN not in page.text


def test_paying_account_that_breaks_the_schema_gives_a_german_error(app, approve, organiser, event):
    app.config.update(TRAVEL_DEBTOR_NAME="Bundeskasse", TRAVEL_DEBTOR_IBAN="kaputt")
    approve("Erika Mustermann")
    with pytest.raises(services.ClaimError, match="entspricht nicht dem SEPA-Schema"):
        services.create_export(event, actor=organiser, execution_date=EXECUTION)
    assert PaymentExport.select().count() == 0
    assert TravelClaim.get().export_id is None


def test_changed_key_gives_a_german_error_instead_of_a_crash(
    app, approve, organiser, event, debtor
):
    claim = approve("Erika Mustermann")
    app.config["IBAN_KEY"] = "cd" * 32
    with pytest.raises(services.ClaimError, match=f"Antrag {claim.number} lässt sich nicht"):
        services.create_export(event, actor=organiser, execution_date=EXECUTION)
