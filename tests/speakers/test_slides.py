"""Slides: versions, the deadline and reopening, who may upload, bad files, nothing half-stored."""

import io
from datetime import datetime

import pytest

from portal.audit import AuditEntry
from portal.events.models import DeadlineKind
from portal.events.services import set_deadline
from portal.mailer import OutboxMail, deliver_pending
from portal.speakers import slides
from portal.speakers.models import SessionSpeaker, SlideVersion
from portal.storage import StoredFile, file_path
from tests.speakers.files import ELF, odp_bytes, pdf_bytes, pptx_bytes, upload, zip_bytes


def post_file(client, session, data: bytes, name: str):
    return client.post(
        f"/referierende/programmpunkte/{session.id}/folien",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def nothing_stored(files_on_disk) -> bool:
    return (
        StoredFile.select().count() == 0
        and SlideVersion.select().count() == 0
        and files_on_disk() == []
    )


def test_upload_stores_version_and_mails_confirmation(
    client, sign_in, event, make_speaker, mailbox, frozen
):
    user, assignment = make_speaker(event, event.ws2, role="impulse")
    sign_in(user)
    frozen(datetime(2024, 11, 12, 9, 30))
    response = post_file(client, event.ws2, pdf_bytes("eins"), "Impuls Krisenstab.pdf")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/referierende/programmpunkte/{event.ws2.id}"
    version = SlideVersion.get()
    assert (version.number, version.uploaded_by_id, version.uploaded_at) == (
        1,
        user.id,
        datetime(2024, 11, 12, 9, 30),
    )
    assert version.file.original_name == "Impuls Krisenstab.pdf"
    assert version.file.content_type == "application/pdf"
    assert file_path(version.file).read_bytes() == pdf_bytes("eins")
    deliver_pending()
    confirmation = [m for m in mailbox if m["Subject"].startswith("Ihre Folien")]
    assert [m["Subject"] for m in confirmation] == [
        "Ihre Folien sind eingegangen: WS 2 – Continuity of Government: "
        "Krisenbewältigung und Krisenprävention"
    ]
    assert "Impuls Krisenstab.pdf" in confirmation[0].get_body(("plain",)).get_content()
    assert AuditEntry.get(AuditEntry.action == "speaker.slides_uploaded").object_id == version.id


def test_second_upload_becomes_current_and_first_stays_listed(
    client, sign_in, event, make_speaker, frozen
):
    user, assignment = make_speaker(event, event.v1, name="Vera Vortrag")
    sign_in(user)
    frozen(datetime(2024, 11, 10, 8, 0))
    post_file(client, event.v1, pdf_bytes("alt"), "Entwurf.pdf")
    frozen(datetime(2024, 11, 15, 17, 45))
    post_file(client, event.v1, pptx_bytes("neu"), "Endfassung.pptx")
    status = slides.slide_status(slides.speaker_assignment(user, event.v1.id))
    assert [(v.number, v.file.original_name) for v in status.versions] == [
        (2, "Endfassung.pptx"),
        (1, "Entwurf.pdf"),
    ]
    assert status.current.number == 2
    html = client.get(f"/referierende/programmpunkte/{event.v1.id}").get_data(as_text=True)
    first = html[html.index('id="version-1"') :]
    first = first[: first.index("</tr>")]
    assert "Entwurf.pdf" in first
    assert "Vera Vortrag" in first
    assert "10.11.2024, 08:00 Uhr" in first
    current = html[html.index('id="version-2"') :]
    assert "aktuell" in current[: current.index("</tr>")]


def test_pptx_and_odp_are_accepted(app, event, make_speaker):
    user, assignment = make_speaker(event, event.v3)
    first = slides.upload_slides(assignment, file=upload(pptx_bytes(), "a.pptx"), user=user)
    second = slides.upload_slides(assignment, file=upload(odp_bytes(), "b.odp"), user=user)
    assert first.file.content_type == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    assert second.file.content_type == "application/vnd.oasis.opendocument.presentation"
    assert [first.number, second.number] == [1, 2]


def test_default_deadline_is_two_days_before_at_2359(
    client, sign_in, event, make_speaker, frozen, files_on_disk
):
    user, assignment = make_speaker(event, event.ws2)  # 19.11., 16:00
    sign_in(user)
    frozen(datetime(2024, 11, 17, 23, 59))
    assert post_file(client, event.ws2, pdf_bytes(), "x.pdf").status_code == 303
    frozen(datetime(2024, 11, 18, 0, 0))
    response = post_file(client, event.ws2, pdf_bytes("zu spät"), "y.pdf")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Die Frist für Folien ist am 17.11.2024, 23:59 Uhr abgelaufen." in html
    assert SlideVersion.select().count() == 1
    assert len(files_on_disk()) == 1


def test_deadline_differs_per_session_without_event_deadline(app, event, make_speaker, frozen):
    _, first_day = make_speaker(event, event.ws2)  # 19.11.
    _, second_day = make_speaker(event, event.v3)  # 20.11.
    frozen(datetime(2024, 11, 18, 12, 0))
    assert slides.slide_status(first_day).upload_open is False
    assert slides.slide_status(second_day).upload_open is True
    assert slides.slide_status(second_day).deadline == datetime(2024, 11, 18, 23, 59, 59)


def test_event_deadline_applies_to_every_session(app, event, make_speaker, frozen):
    user, assignment = make_speaker(event, event.v3)
    set_deadline(event, DeadlineKind.SLIDES, datetime(2024, 11, 12, 12, 0))
    frozen(datetime(2024, 11, 12, 12, 1))
    with pytest.raises(slides.DeadlinePassed) as exc:
        slides.upload_slides(assignment, file=upload(pdf_bytes(), "x.pdf"), user=user)
    assert exc.value.due_at == datetime(2024, 11, 12, 12, 0)
    assert StoredFile.select().count() == 0


def test_reopen_lets_one_speaker_upload_after_deadline(
    client, sign_in, organiser, event, make_speaker, frozen, mailbox
):
    user, assignment = make_speaker(event, event.v1)
    other, _ = make_speaker(event, event.ws2)
    frozen(datetime(2024, 11, 18, 9, 0))
    sign_in(organiser)
    base = f"/organisation/veranstaltungen/{event.slug}/referierende"
    url = f"{base}/beitraege/{assignment.id}/nachreichen"
    assert client.post(url, data={"reopened": "1"}).status_code == 303
    assert SessionSpeaker.get_by_id(assignment.id).uploads_reopened is True
    deliver_pending()
    reopened = [m for m in mailbox if m["To"] == user.email and "wieder hochladen" in m["Subject"]]
    assert len(reopened) == 1
    sign_in(user)
    assert post_file(client, event.v1, pdf_bytes(), "spaet.pdf").status_code == 303
    sign_in(other)
    assert post_file(client, event.ws2, pdf_bytes(), "spaet.pdf").status_code == 403
    sign_in(organiser)
    client.post(url, data={"reopened": "0"})
    sign_in(user)
    assert post_file(client, event.v1, pdf_bytes("2"), "noch.pdf").status_code == 403
    assert SlideVersion.select().count() == 1
    actions = [
        (e.action, e.details)
        for e in AuditEntry.select()
        .where(AuditEntry.action == "speaker.uploads_reopened")
        .order_by(AuditEntry.id)
    ]
    assert actions == [
        ("speaker.uploads_reopened", '{"reopened": true}'),
        ("speaker.uploads_reopened", '{"reopened": false}'),
    ]


def test_speaker_of_another_session_gets_404(client, sign_in, event, make_speaker, files_on_disk):
    _, assignment = make_speaker(event, event.ws2)
    intruder, _ = make_speaker(event, event.v1)
    sign_in(intruder)
    assert post_file(client, event.ws2, pdf_bytes(), "fremd.pdf").status_code == 404
    assert client.get(f"/referierende/programmpunkte/{event.ws2.id}").status_code == 404
    assert (
        client.post(
            f"/referierende/programmpunkte/{event.ws2.id}/freigabe", data={"share": "y"}
        ).status_code
        == 404
    )
    assert nothing_stored(files_on_disk)


def test_invited_but_not_accepted_and_attendees_get_404(
    client, sign_in, event, invite, make_user, files_on_disk
):
    pending = make_user(email="offen@example.org")
    invite(event, {event.v1: "talk"}, email="offen@example.org", name="Otto Offen")
    sign_in(pending)
    assert post_file(client, event.v1, pdf_bytes(), "x.pdf").status_code == 404
    sign_in(make_user())
    assert post_file(client, event.v1, pdf_bytes(), "x.pdf").status_code == 404
    assert nothing_stored(files_on_disk)


def test_anonymous_upload_goes_to_login(client, event, make_speaker, files_on_disk):
    make_speaker(event, event.v1)
    response = post_file(client, event.v1, pdf_bytes(), "x.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")
    assert nothing_stored(files_on_disk)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (ELF, "Vortrag.pdf", "Der Inhalt der Datei passt nicht zur Endung pdf."),
        (zip_bytes([("notizen.txt", "kein Foliensatz")]), "Vortrag.pptx", "im Format PPTX"),
        (zip_bytes([("notizen.txt", "kein Foliensatz")]), "Vortrag.odp", "im Format ODP"),
        (
            zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text")]),
            "Text.odp",
            "Der Inhalt der Datei passt nicht zur Endung odp.",
        ),
        (pptx_bytes(), "Vortrag.odp", "Der Inhalt der Datei passt nicht zur Endung odp."),
        (
            zip_bytes([("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p/>")]),
            "Ohne Typ.pptx",
            "im Format PPTX",
        ),
        (
            b"PK\x03\x04 kaputt" + b"\x00" * 100,
            "Kaputt.pptx",
            "Die Datei ist keine gültige Präsentation.",
        ),
        (ELF, "tool.exe", "Dieser Dateityp ist nicht erlaubt. Erlaubt: ODP, PDF, PPTX."),
        (b"", "leer.pdf", "Die Datei ist leer."),
    ],
)
def test_wrong_type_is_422_and_stores_nothing(
    client, sign_in, event, make_speaker, files_on_disk, data, name, message
):
    user, _ = make_speaker(event, event.v1)
    sign_in(user)
    response = post_file(client, event.v1, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert nothing_stored(files_on_disk)
    assert OutboxMail.select().where(OutboxMail.subject.startswith("Ihre Folien")).count() == 0


def test_missing_file_is_422(client, sign_in, event, make_speaker):
    user, _ = make_speaker(event, event.v1)
    sign_in(user)
    response = client.post(
        f"/referierende/programmpunkte/{event.v1.id}/folien", content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Bitte wählen Sie eine Datei aus." in response.get_data(as_text=True)


def test_oversize_is_413_with_german_page(client, app, sign_in, event, make_speaker, files_on_disk):
    app.config["SPEAKER_SLIDES_MAX_BYTES"] = 1024
    user, _ = make_speaker(event, event.v1)
    sign_in(user)
    response = post_file(client, event.v1, pdf_bytes("x" * 2000), "gross.pdf")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Die Datei ist größer als 1 KB." in html
    assert '<html lang="de">' in html
    assert nothing_stored(files_on_disk)


def test_slide_limit_defaults_to_100_mb(app):
    assert slides.max_bytes() == 100 * 1024 * 1024


def test_request_over_max_content_length_is_413_german(
    client, app, sign_in, event, make_speaker, files_on_disk
):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    user, _ = make_speaker(event, event.v1)
    sign_in(user)
    response = post_file(client, event.v1, pdf_bytes("y" * 8000), "riesig.pdf")
    assert response.status_code == 413
    assert "Datei zu groß" in response.get_data(as_text=True)
    assert nothing_stored(files_on_disk)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("../../etc/Vortrag.pdf", "Vortrag.pdf"),
        ("C:\\Users\\erika\\Folien Köln.pdf", "Folien Köln.pdf"),
        ("Fo\x00li\x1ben\x07.pdf", "Folien.pdf"),
        ("/\u202etxt.exe.pdf", "txt.exe.pdf"),
    ],
)
def test_file_names_are_stored_safely(app, event, make_speaker, raw, stored):
    user, assignment = make_speaker(event, event.v1)
    version = slides.upload_slides(assignment, file=upload(pdf_bytes(), raw), user=user)
    assert version.file.original_name == stored
    assert version.file.path.startswith(f"speakers/{user.id}/")
    assert ".." not in version.file.path and version.file.path.endswith(".pdf")
    assert file_path(version.file).is_file()


def test_failure_after_storing_leaves_nothing(app, event, make_speaker, files_on_disk, monkeypatch):
    user, assignment = make_speaker(event, event.v1)

    def broken_mail(*args, **kwargs):
        raise RuntimeError("Ausgang nicht erreichbar")

    monkeypatch.setattr("portal.speakers.slides.queue_mail", broken_mail)
    with pytest.raises(RuntimeError):
        slides.upload_slides(assignment, file=upload(pdf_bytes(), "x.pdf"), user=user)
    assert nothing_stored(files_on_disk)
    assert AuditEntry.select().where(AuditEntry.action == "speaker.slides_uploaded").count() == 0


def test_speaker_downloads_own_version_only(client, sign_in, event, make_speaker):
    user, assignment = make_speaker(event, event.v1)
    other, _ = make_speaker(event, event.ws2)
    version = slides.upload_slides(
        assignment, file=upload(pdf_bytes("mein"), "mein.pdf"), user=user
    )
    sign_in(user)
    response = client.get(f"/referierende/folien/{version.id}")
    assert response.status_code == 200
    assert response.data == pdf_bytes("mein")
    assert response.headers["Content-Disposition"] == "attachment; filename=mein.pdf"
    response.close()
    sign_in(other)
    assert client.get(f"/referierende/folien/{version.id}").status_code == 404


def test_share_consent_is_stored_and_can_be_withdrawn(client, sign_in, event, make_speaker):
    user, assignment = make_speaker(event, event.v1)
    sign_in(user)
    url = f"/referierende/programmpunkte/{event.v1.id}/freigabe"
    assert client.post(url, data={"share": "y"}).status_code == 303
    assert SessionSpeaker.get_by_id(assignment.id).share_slides is True
    assert client.post(url, data={}).status_code == 303
    assert SessionSpeaker.get_by_id(assignment.id).share_slides is False


def test_my_sessions_show_time_room_and_co_speakers(client, sign_in, event, make_speaker):
    user, _ = make_speaker(event, event.ws2, role="impulse", name="Ida Impuls")
    make_speaker(event, event.ws2, role="moderation", name="Moritz Moderation")
    make_speaker(event, event.v1, name="Nicht Dabei")
    sign_in(user)
    html = client.get("/referierende/").get_data(as_text=True)
    item = html[html.index(f'id="programmpunkt-{event.ws2.id}"') :]
    item = item[: item.index("</li>\n")]
    assert "Dienstag, 19. November 2024, 16:00–18:00 Uhr" in item
    assert "Raum A" in item
    assert "Moritz Moderation (Moderation)" in item
    assert "Nicht Dabei" not in html
    assert "Impuls" in item


def test_my_sessions_query_count_is_constant(app, event, make_speaker, count_queries):
    user, assignment = make_speaker(event, event.ws2, email="viel@example.org")
    slides.upload_slides(assignment, file=upload(pdf_bytes(), "a.pdf"), user=user)
    with count_queries() as few:
        slides.my_sessions(user)
    for session in (event.v1, event.v3):
        _, other = make_speaker(event, session)
        slides.upload_slides(other, file=upload(pdf_bytes(), "b.pdf"), user=user)
    from portal.speakers import services

    services.accept_invitation(
        services.invite_speaker(
            event,
            email="viel@example.org",
            name="Viel",
            roles={event.v1.id: "talk", event.v3.id: "panel"},
        ),
        user=user,
    )
    with count_queries() as many:
        sessions = slides.my_sessions(user)
    assert len(sessions) == 3
    assert len(many) == len(few)


def test_speaker_area_without_sessions_explains(client, sign_in, make_user):
    sign_in(make_user(name="Nina Neu"))
    response = client.get("/referierende/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Sie sind derzeit für keinen Programmpunkt" in html
    assert html.count("<h1") == 1
