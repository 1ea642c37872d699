"""Exhibitors register and edit booths: values, staff, uploads, the booth deadline."""

import io
import os
from datetime import datetime

import pytest
from PIL import Image

from portal.audit import AuditEntry
from portal.events.models import DeadlineKind
from portal.events.services import set_deadline
from portal.exhibitors import services
from portal.exhibitors.models import Booth, BoothStaff, BoothState
from portal.mailer import OutboxMail, deliver_pending
from portal.storage import MB, StoredFile, file_path, upload_root
from tests.exhibitors.helpers import (
    MINIMAL_PDF,
    form_data,
    png_bytes,
    service_values,
    text_of,
    upload,
)

NEW = "/veranstaltungen/kommunaltagung/ausstellung/anmelden"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def noise_png() -> bytes:
    """A PNG that does not compress: larger than 1 KB."""
    out = io.BytesIO()
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(out, format="PNG")
    return out.getvalue()


def files_on_disk() -> list[str]:
    return sorted(p.name for p in upload_root().rglob("*") if p.is_file())


def post_booth(client, url=NEW, logo=None, flyer=None, **overrides):
    data = form_data(**overrides)
    if logo is not None:
        data["logo"] = (io.BytesIO(logo[0]), logo[1])
    if flyer is not None:
        data["flyer"] = (io.BytesIO(flyer[0]), flyer[1])
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.fixture
def signed_in(client, sign_in, exhibitor):
    sign_in(exhibitor)
    return exhibitor


def test_register_booth_stores_values_staff_files_and_mails(app, client, event, signed_in, mailbox):
    response = post_booth(
        client, logo=(png_bytes(2000, 1000), "logo.png"), flyer=(MINIMAL_PDF, "Flyer.pdf")
    )
    booth = Booth.get()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/aussteller/staende/{booth.id}"
    assert (booth.owner_id, booth.event_id, booth.state) == (
        signed_in.id,
        event.id,
        BoothState.SUBMITTED,
    )
    assert (booth.organisation, booth.topic, booth.contact_email) == (
        "Institut für Stadtentwicklung",
        "Resiliente Kommunen",
        "anna@institut.example",
    )
    assert (booth.tables, booth.chairs, booth.poster_walls, booth.needs_power) == (1, 2, 1, True)
    assert booth.setup_at == datetime(2024, 11, 19, 7, 30)
    assert [(s.name, s.email) for s in BoothStaff.select()] == [
        ("Bernd Muster", "bernd@institut.example")
    ]
    with Image.open(file_path(booth.logo)) as img:
        assert (img.format, img.size) == ("PNG", (800, 400))
    assert file_path(booth.flyer).read_bytes() == MINIMAL_PDF
    assert [e.action for e in AuditEntry.select()] == ["booth.submitted"]
    deliver_pending()
    assert [(m["To"], m["Subject"]) for m in mailbox] == [
        ("aussteller@example.org", "Ihr Infostand ist eingegangen: Kommunaltagung 2024")
    ]
    assert f"/aussteller/staende/{booth.id}" in mailbox[0].get_body(("plain",)).get_content()


def test_register_booth_invalid_form_keeps_input_with_german_messages(
    app, client, event, signed_in
):
    response = post_booth(
        client,
        topic="",
        setup_at="2024-11-20T18:00",
        teardown_at="2024-11-20T08:00",
        **{"staff-1-first_name": "Nur Vorname"},
    )
    text = text_of(response)
    assert response.status_code == 422
    assert "Thema des Stands: Bitte füllen Sie dieses Feld aus." in text
    assert "Der Abbau muss nach dem Aufbau liegen." in text
    assert "Bitte geben Sie Vorname, Nachname und E-Mail-Adresse der Person an." in text
    assert 'value="Institut für Stadtentwicklung"' in response.get_data(as_text=True)
    assert 'id="staff-1-last_name"' in response.get_data(as_text=True)
    assert Booth.select().count() == 0
    assert OutboxMail.select().count() == 0


def test_register_booth_staff_without_privacy_confirmation_refused(app, event, exhibitor):
    staff = [{"first_name": "A", "last_name": "B", "email": "a@b.example"}]
    with pytest.raises(services.InvalidBooth) as caught:
        services.create_booth(
            event=event,
            owner=exhibitor,
            **{
                **service_values(),
                "staff": staff,
                "staff_privacy_confirmed": False,
            },
        )
    assert list(caught.value.errors) == ["staff_privacy_confirmed"]
    assert Booth.select().count() == 0


def test_register_booth_session_of_other_event_refused(app, event, exhibitor, make_event):
    from portal.events.services import create_session

    other = make_event(slug="andere")
    session = create_session(
        other,
        code="WS 3",
        kind="workshop",
        title="Fremd",
        starts_at=datetime(2024, 11, 19, 16),
        ends_at=datetime(2024, 11, 19, 18),
    )
    with pytest.raises(services.InvalidBooth) as caught:
        services.create_booth(
            event=event, owner=exhibitor, **{**service_values(), "session": session.id}
        )
    assert caught.value.errors == {
        "session": "Bitte wählen Sie einen Programmpunkt dieser Veranstaltung."
    }


def test_register_booth_double_submit_returns_first_booth(app, client, event, signed_in):
    first = post_booth(client)
    second = post_booth(client, logo=(png_bytes(), "logo.png"))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert Booth.select().count() == 1
    assert StoredFile.select().count() == 0
    assert files_on_disk() == []


NOT_ALLOWED = "Dieser Dateityp ist nicht erlaubt. Erlaubt:"
BAD_UPLOADS = {
    "svg-logo": ("logo", SVG, "logo.svg", f"{NOT_ALLOWED} JPEG, JPG, PNG."),
    "executable-as-png": ("logo", ELF, "logo.png", "passt nicht zur Endung png."),
    "broken-image": ("logo", png_bytes()[:60], "logo.png", "Das Bild ist beschädigt"),
    "oversize-logo": ("logo", noise_png(), "gross.png", "Die Datei ist größer als 1 KB."),
    "executable-as-pdf": ("flyer", ELF, "flyer.pdf", "passt nicht zur Endung pdf."),
    "oversize-flyer": ("flyer", MINIMAL_PDF + b"x" * 4096, "x.pdf", "größer als 2 KB."),
    "image-as-flyer": ("flyer", png_bytes(), "flyer.png", f"{NOT_ALLOWED} PDF."),
}


@pytest.mark.parametrize(
    ("field", "data", "name", "message"), BAD_UPLOADS.values(), ids=BAD_UPLOADS
)
def test_register_booth_bad_upload_stores_nothing(
    app, client, event, signed_in, monkeypatch, field, data, name, message
):
    # Small limits keep the request small; the real limits are tested on the service below.
    monkeypatch.setattr("portal.exhibitors.services.booths.LOGO_MAX_BYTES", 1024)
    monkeypatch.setattr("portal.exhibitors.services.booths.FLYER_MAX_BYTES", 2048)
    good = {"logo": (png_bytes(8, 8), "gut.png"), "flyer": (MINIMAL_PDF, "gut.pdf")}
    good[field] = (data, name)
    response = post_booth(client, **good)
    assert response.status_code == 422
    assert message in text_of(response)
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert Booth.select().count() == 0
    assert StoredFile.select().count() == 0
    assert files_on_disk() == []


@pytest.mark.parametrize(
    ("field", "size", "message"),
    [("logo", 5 * MB + 1, "größer als 5 MB"), ("flyer", 10 * MB + 1, "größer als 10 MB")],
)
def test_register_booth_real_size_limits(app, event, exhibitor, field, size, message):
    head = b"\x89PNG\r\n\x1a\n" if field == "logo" else MINIMAL_PDF
    big = upload(
        head + b"\x00" * (size - len(head)), f"gross.{'png' if field == 'logo' else 'pdf'}"
    )
    with pytest.raises(services.InvalidBooth) as caught:
        services.create_booth(event=event, owner=exhibitor, **service_values(), **{field: big})
    assert message in str(caught.value.errors[field])
    assert Booth.select().count() == 0
    assert files_on_disk() == []


def test_booth_page_of_own_booth_shows_state_and_form(app, client, event, signed_in, make_booth):
    booth = make_booth(event)
    response = client.get(f"/aussteller/staende/{booth.id}")
    assert response.status_code == 200
    assert "eingereicht" in text_of(response)
    assert 'name="organisation"' in response.get_data(as_text=True)


def test_edit_booth_before_deadline_saves_and_replaces_logo(
    app, client, event, signed_in, make_booth
):
    booth = make_booth(event, logo=upload(png_bytes(color="red"), "alt.png"))
    old_path = file_path(booth.logo)
    set_deadline(event, DeadlineKind.BOOTHS, datetime(2024, 10, 31, 23, 59, 59))
    response = post_booth(
        client,
        url=f"/aussteller/staende/{booth.id}",
        logo=(png_bytes(color="blue"), "neu.png"),
        topic="Neues Thema",
        **{"staff-1-first_name": "Clara", "staff-1-last_name": "Zweite"},
        **{"staff-1-email": "clara@institut.example"},
    )
    booth = Booth.get_by_id(booth.id)
    assert response.status_code == 303
    assert booth.topic == "Neues Thema"
    assert [s.email for s in BoothStaff.select().order_by(BoothStaff.position)] == [
        "bernd@institut.example",
        "clara@institut.example",
    ]
    assert not old_path.exists()
    assert StoredFile.select().count() == 1
    assert booth.logo.original_name == "neu.png"


def test_edit_booth_after_deadline_refused_and_unchanged(app, client, event, signed_in, make_booth):
    booth = make_booth(event)
    set_deadline(event, DeadlineKind.BOOTHS, datetime(2024, 9, 30, 23, 59, 59))
    page = client.get(f"/aussteller/staende/{booth.id}")
    response = post_booth(client, url=f"/aussteller/staende/{booth.id}", topic="Zu spät")
    assert page.status_code == 200
    assert 'id="booth-locked"' in page.get_data(as_text=True)
    assert 'name="topic"' not in page.get_data(as_text=True)
    assert response.status_code == 422
    assert "Die Frist für Infostände ist abgelaufen." in text_of(response)
    assert Booth.get_by_id(booth.id).topic == "Resiliente Kommunen"


def test_update_booth_after_deadline_service_refuses(app, event, exhibitor, make_booth):
    booth = make_booth(event)
    set_deadline(event, DeadlineKind.BOOTHS, datetime(2024, 9, 30, 23, 59, 59))
    with pytest.raises(services.BoothError, match="Frist für Infostände ist abgelaufen"):
        services.update_booth(booth, actor=exhibitor, **{**service_values(), "topic": "Zu spät"})
    assert Booth.get_by_id(booth.id).topic == "Resiliente Kommunen"


def test_edit_rejected_booth_refused(app, event, exhibitor, organiser, make_booth):
    booth = make_booth(event)
    services.decide_booth(booth, state="rejected", message="Thema passt nicht.", actor=organiser)
    with pytest.raises(services.BoothError, match="abgelehnt"):
        services.update_booth(booth, actor=exhibitor, **service_values())


def test_register_booth_after_deadline_shows_closed_page(app, client, event, signed_in):
    set_deadline(event, DeadlineKind.BOOTHS, datetime(2024, 9, 30, 23, 59, 59))
    page = client.get(NEW)
    response = post_booth(client)
    assert page.status_code == 200
    assert "keine Infostände (mehr) angemeldet werden" in text_of(page)
    assert "Frist für Infostände: 30.09.2024" in text_of(page)
    assert response.status_code == 422
    assert Booth.select().count() == 0


def test_register_booth_for_draft_event_is_404(app, client, make_event, frozen, signed_in):
    make_event(slug="entwurf", status="draft")
    assert client.get("/veranstaltungen/entwurf/ausstellung/anmelden").status_code == 404


def test_exhibitor_index_lists_own_booths_and_open_events(
    app, client, event, signed_in, make_event, make_booth
):
    make_booth(event)
    closed = make_event(slug="vorbei", title="Vorbei-Tagung")
    set_deadline(closed, DeadlineKind.BOOTHS, datetime(2024, 9, 1, 23, 59, 59))
    text = text_of(client.get("/aussteller"))
    assert "Institut für Stadtentwicklung" in text
    assert "Infostand anmelden für „Kommunaltagung 2024“" in text
    assert "Vorbei-Tagung" not in text


def test_booth_state_label_is_german(app, event, make_booth):
    assert make_booth(event).state_label == "eingereicht"


def test_booth_logo_download_for_owner(app, client, event, signed_in, make_booth):
    booth = make_booth(event, logo=upload(png_bytes(), "logo.png"))
    response = client.get(f"/aussteller/staende/{booth.id}/logo")
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/aussteller/staende/{booth.id}/flyer").status_code == 404
