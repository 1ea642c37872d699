"""Receipts: sniffed, size-limited, images re-encoded; a refused upload leaves nothing behind
and loses nothing of the draft; downloads are attachments that cannot run."""

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.storage import StoredFile, file_path, upload_root
from portal.travel import services
from portal.travel.models import ClaimItem, ClaimReceipt, TravelClaim
from tests.travel.helpers import (
    ELF,
    MINIMAL_PDF,
    files_on_disk,
    item_form,
    item_values,
    jpeg_with_gps,
    png_bytes,
    text_of,
    upload,
)


def post_item(client, claim, files, **overrides):
    return client.post(
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        data=item_form(files=files, **overrides),
        content_type="multipart/form-data",
    )


@pytest.fixture
def draft(claimant, make_claim):
    """A draft with one rail item and its receipt already saved."""
    return make_claim(claimant, complete=True)


def stored_state(claim):
    items = [
        (i.kind.value, i.amount_cents) for i in ClaimItem.select().where(ClaimItem.claim == claim)
    ]
    return items, StoredFile.select().count(), files_on_disk(upload_root())


def test_executable_renamed_pdf_is_refused_and_leaves_nothing(app, claimant, draft, sign_in):
    before = stored_state(draft)
    response = post_item(sign_in(claimant), draft, [(ELF, "rechnung.pdf")], amount="12,00")
    assert response.status_code == 422
    assert "„rechnung.pdf“: Der Inhalt der Datei passt nicht zur Endung pdf." in text_of(response)
    assert 'value="12,00"' in response.text  # what was typed is kept
    assert stored_state(draft) == before


def test_receipt_over_the_limit_is_refused_with_413_and_the_draft_kept(
    app, claimant, draft, sign_in
):
    app.config["TRAVEL_RECEIPT_MAX_BYTES"] = 4096
    before = stored_state(draft)
    big = MINIMAL_PDF + b"%" * 5000
    response = post_item(sign_in(claimant), draft, [(big, "gross.pdf")], amount="80,00")
    assert response.status_code == 413
    assert "„gross.pdf“: Die Datei ist größer als 4 KB." in text_of(response)
    assert 'value="80,00"' in response.text
    assert stored_state(draft) == before
    assert TravelClaim.get_by_id(draft.id).total_cents == 4990


def test_ten_megabytes_is_the_default_limit(app):
    assert services.receipt_max_bytes() == 10 * 1024 * 1024


def test_request_over_the_upload_limit_gets_the_german_413_page(app, claimant, draft, sign_in):
    app.config["TRAVEL_RECEIPT_MAX_BYTES"] = 1024  # the request may carry 5 x 1 KB + 1 MB
    before = stored_state(draft)
    huge = MINIMAL_PDF + b"%" * (2 * 1024 * 1024)
    # Encoded in memory: the test client would spool a body this big to a temporary file
    # that stays open when the app refuses to read it.
    fields = MultiDict(item_form(files=[]))
    fields.add("receipts", FileStorage(io.BytesIO(huge), "riesig.pdf", "receipts"))
    boundary, body = encode_multipart(fields)
    response = sign_in(claimant).post(
        f"/reisekosten/antraege/{draft.id}/positionen/neu",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert "Datei zu groß" in text_of(response)
    assert stored_state(draft) == before


def test_second_file_refused_removes_the_first_one(app, claimant, draft, sign_in):
    before = stored_state(draft)
    files = [(MINIMAL_PDF, "gut.pdf"), (b"kein bild", "kaputt.png")]
    response = post_item(sign_in(claimant), draft, files)
    assert response.status_code == 422
    assert stored_state(draft) == before


def test_broken_image_is_refused(app, claimant, draft, sign_in):
    before = stored_state(draft)
    response = post_item(sign_in(claimant), draft, [(jpeg_with_gps()[:200], "foto.jpg")])
    assert response.status_code == 422
    assert "Das Bild ist beschädigt oder kein gültiges Bild." in text_of(response)
    assert stored_state(draft) == before


def test_pdf_must_start_with_the_pdf_header(app, claimant, draft, sign_in):
    before = stored_state(draft)
    response = post_item(sign_in(claimant), draft, [(b"\n\n" + MINIMAL_PDF, "x.pdf")])
    assert response.status_code == 422
    assert stored_state(draft) == before


def test_word_document_is_not_a_receipt(app, claimant, draft, sign_in):
    response = post_item(sign_in(claimant), draft, [(b"PK\x03\x04", "beleg.docx")])
    assert response.status_code == 422
    assert "Dieser Dateityp ist nicht erlaubt. Erlaubt: JPEG, JPG, PDF, PNG." in text_of(response)


def test_photo_is_reencoded_without_location(app, claimant, make_claim):
    claim = make_claim(claimant)
    item = services.add_item(
        claim, user=claimant, files=[upload(jpeg_with_gps(), "taxi.jpg")], **item_values()
    )
    receipt = ClaimReceipt.get(ClaimReceipt.item == item)
    with Image.open(file_path(receipt.file)) as img:
        assert img.format == "JPEG"
        assert dict(img.getexif()) == {}


def test_several_receipts_per_item(app, claimant, make_claim):
    claim = make_claim(claimant)
    item = services.add_item(
        claim,
        user=claimant,
        files=[upload(), upload(png_bytes(), "quittung.png")],
        **item_values(),
    )
    names = sorted(r.file.original_name for r in item.receipts)
    assert names == ["beleg.pdf", "quittung.png"]
    assert {r.file.area for r in item.receipts} == {"travel"}


def test_more_than_five_receipts_at_once_are_refused(app, claimant, make_claim):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        services.add_item(claim, user=claimant, files=[upload() for _ in range(6)], **item_values())
    assert list(caught.value.errors) == ["receipts"]
    assert files_on_disk(upload_root()) == []


def test_failed_database_write_removes_the_stored_files(app, claimant, make_claim, monkeypatch):
    claim = make_claim(claimant)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.drafting, "_recompute", broken)
    with pytest.raises(RuntimeError):
        services.add_item(claim, user=claimant, files=[upload()], **item_values())
    assert ClaimItem.select().count() == 0
    assert StoredFile.select().count() == 0
    assert files_on_disk(upload_root()) == []


def test_adding_a_bad_receipt_to_an_item_shows_the_error_at_the_item(app, claimant, draft, sign_in):
    item = ClaimItem.get(ClaimItem.claim == draft)
    before = stored_state(draft)
    response = sign_in(claimant).post(
        f"/reisekosten/antraege/{draft.id}/positionen/{item.id}/belege",
        data={"receipts": [(io.BytesIO(ELF), "programm.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert f'id="receipts-{item.id}-error"' in response.text
    assert "passt nicht zur Endung pdf" in text_of(response)
    assert stored_state(draft) == before


def test_deleting_an_item_removes_its_receipt_files(app, claimant, draft):
    item = ClaimItem.get(ClaimItem.claim == draft)
    path = file_path(item.receipts[0].file)
    assert path.exists()
    services.delete_item(item, user=claimant)
    assert not path.exists()
    assert StoredFile.select().count() == 0


def test_receipt_download_is_a_sandboxed_attachment(app, claimant, draft, sign_in):
    receipt = ClaimReceipt.select().join(ClaimItem).where(ClaimItem.claim == draft).get()
    response = sign_in(claimant).get(f"/reisekosten/antraege/{draft.id}/belege/{receipt.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=beleg.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.data == MINIMAL_PDF
    response.close()


def test_item_from_a_stale_page_after_submitting_is_refused_and_leaves_no_file(
    app, claimant, make_claim
):
    claim = make_claim(claimant, complete=True)
    stale = TravelClaim.get_by_id(claim.id)  # the page was loaded before submitting
    services.submit_claim(claim, user=claimant, declaration=True)
    on_disk = files_on_disk(upload_root())
    with pytest.raises(services.ClaimError, match="eingereicht und kann nicht mehr geändert"):
        services.add_item(stale, user=claimant, files=[upload()], **item_values())
    assert ClaimItem.select().count() == 1
    assert files_on_disk(upload_root()) == on_disk
