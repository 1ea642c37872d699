"""Bank details: IBAN checked by schwifty, BIC derived, stored encrypted, shown masked;
changing them needs the password and sends a notice; no IBAN in mails, logs or URLs."""

import logging

import pytest

from portal.audit import AuditEntry
from portal.mailer import OutboxMail, deliver_pending
from portal.travel import services
from portal.travel.models import TravelClaim
from tests.conftest import PASSWORD
from tests.travel.helpers import IBAN, IBAN_FORMATTED, IBAN_MASKED, OTHER_IBAN, text_of


def save(claim, user, iban=IBAN, holder="Erika Mustermann", password=""):
    return services.save_bank_details(
        claim, user=user, account_holder=holder, iban=iban, password=password
    )


def test_iban_is_stored_encrypted_and_masked(claimant, make_claim):
    claim = save(make_claim(claimant), claimant, iban=IBAN_FORMATTED)
    row = (
        TravelClaim.select(TravelClaim.iban_encrypted, TravelClaim.iban_masked, TravelClaim.bic)
        .where(TravelClaim.id == claim.id)
        .tuples()
        .get()
    )
    assert IBAN not in row[0] and "0532013000" not in row[0]
    assert row[1] == IBAN_MASKED
    assert row[2] == "COBADEFFXXX"  # derived by schwifty
    assert services.decrypted_iban(TravelClaim.get_by_id(claim.id)) == IBAN


@pytest.mark.parametrize(
    "iban",
    ["DE89 3704 0044 0532 0130 01", "DE89370400440532", "12345", "", "XX00123456789"],
)
def test_invalid_iban_is_refused(claimant, make_claim, iban):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        save(claim, claimant, iban=iban)
    assert {k: str(v) for k, v in caught.value.errors.items()} == {
        "iban": "Diese IBAN ist ungültig. Bitte prüfen Sie die Eingabe, zum Beispiel "
        "DE89 3704 0044 0532 0130 00."
    }
    assert TravelClaim.get_by_id(claim.id).iban_encrypted == ""


def test_iban_outside_the_sepa_zone_is_refused(claimant, make_claim):
    with pytest.raises(services.ClaimInvalid) as caught:
        save(make_claim(claimant), claimant, iban="BR1800360305000010009795493C1")
    assert list(caught.value.errors) == ["iban"]


def test_invalid_iban_through_the_form_keeps_the_input(claimant, make_claim, sign_in):
    claim = make_claim(claimant)
    response = sign_in(claimant).post(
        f"/reisekosten/antraege/{claim.id}/bankverbindung",
        data={"account_holder": "Erika Mustermann", "iban": "DE00 1234"},
    )
    assert response.status_code == 422
    assert "Diese IBAN ist ungültig." in text_of(response)
    assert 'value="Erika Mustermann"' in response.text


def test_change_needs_the_correct_password(claimant, make_claim, mailbox):
    claim = save(make_claim(claimant), claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        save(claim, claimant, iban=OTHER_IBAN, password="falsch")
    assert list(caught.value.errors) == ["password"]
    assert services.decrypted_iban(TravelClaim.get_by_id(claim.id)) == IBAN
    assert OutboxMail.select().count() == 0


def test_change_sends_a_notice_without_the_iban(claimant, make_claim, mailbox):
    claim = save(make_claim(claimant), claimant)
    save(claim, claimant, iban=OTHER_IBAN, password=PASSWORD)
    assert services.decrypted_iban(TravelClaim.get_by_id(claim.id)) == OTHER_IBAN
    deliver_pending()
    assert len(mailbox) == 1
    message = mailbox[0]
    assert message["To"] == claimant.email
    assert (
        message["Subject"] == f"Bankverbindung zu Ihrem Reisekostenantrag {claim.number} geändert"
    )
    raw = message.as_string()
    for secret in (IBAN, OTHER_IBAN, "0532013000", "0000202051", "DE02", "DE89"):
        assert secret not in raw
    assert [e.action for e in AuditEntry.select().order_by(AuditEntry.id)][-2:] == [
        "claim.bank_details_set",
        "claim.bank_details_changed",
    ]


def test_no_iban_in_mails_logs_audit_or_urls(claimant, make_claim, sign_in, caplog, mailbox):
    caplog.set_level(logging.DEBUG)
    claim = make_claim(claimant, submitted=True)
    client = sign_in(claimant)
    page = client.get(f"/reisekosten/antraege/{claim.id}")
    deliver_pending()
    assert IBAN not in page.text
    assert IBAN_MASKED in text_of(page)
    assert IBAN not in caplog.text
    assert all(IBAN not in m.as_string() for m in mailbox)
    assert all(IBAN not in e.details for e in AuditEntry.select())
    assert "iban" not in page.request.url.lower()
