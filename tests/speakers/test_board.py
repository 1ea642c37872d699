"""Organisers: the completeness board, reminders, the ZIP for the technicians, publication."""

import io
import zipfile
from datetime import datetime

from flask import render_template

from portal.audit import AuditEntry
from portal.events import services as events
from portal.mailer import deliver_pending
from portal.speakers import board, services, slides
from portal.speakers.models import SessionSpeaker, SpeakerProfile
from tests.speakers.files import pdf_bytes, pptx_bytes, upload


def base(event) -> str:
    return f"/organisation/veranstaltungen/{event.slug}/referierende"


def add_slides(assignment, user, data=None, name="folien.pdf"):
    return slides.upload_slides(assignment, file=upload(data or pdf_bytes(), name), user=user)


def set_family(user, family):
    SpeakerProfile.update(family_name=family).where(SpeakerProfile.user == user).execute()


def test_board_counts_missing_slides(client, sign_in, organiser, event, make_speaker, invite):
    missing_user, _ = make_speaker(event, event.ws2, role="impulse", name="Anna Fehlt")
    done_user, done = make_speaker(event, event.v1, name="Berta Fertig")
    add_slides(done, done_user)
    make_speaker(event, event.ws2, role="moderation", name="Carl Moderiert")
    declined = invite(event, {event.v3: "talk"}, email="d@example.org", name="Dora Absage")
    services.decline_invitation(declined)
    invite(event, {event.v3: "keynote"}, email="e@example.org", name="Emil Offen")
    result = board.slide_board(event)
    assert (result.missing, result.expected, result.remindable) == (2, 3, 1)
    entries = {e.name: e for row in result.rows for e in row.entries}
    assert entries["Anna Fehlt"].missing and entries["Emil Offen"].missing
    assert not entries["Berta Fertig"].missing and entries["Berta Fertig"].current.number == 1
    assert not entries["Carl Moderiert"].missing and not entries["Dora Absage"].missing
    sign_in(organiser)
    html = client.get(f"{base(event)}/folien").get_data(as_text=True)
    assert "Es fehlen 2 von 3 erwarteten Foliensätzen." in html
    row = html[html.index("Anna Fehlt") :]
    assert "fehlen" in row[: row.index("</tr>")]


def test_board_query_count_is_constant(app, event, make_speaker, count_queries):
    user, assignment = make_speaker(event, event.ws2)
    add_slides(assignment, user)
    with count_queries() as few:
        board.slide_board(event)
    for session in (event.v1, event.v3, event.ws2):
        other, more = make_speaker(event, session)
        add_slides(more, other)
        add_slides(more, other)
    with count_queries() as many:
        board.slide_board(event)
    assert len(many) == len(few)


def test_remind_missing_mails_each_person_once(
    client, sign_in, organiser, event, make_speaker, frozen, mailbox
):
    lazy, first = make_speaker(event, event.ws2, role="talk", email="lazy@example.org")
    services.accept_invitation(
        services.invite_speaker(
            event, email="lazy@example.org", name="Lazy", roles={event.v3.id: "keynote"}
        ),
        user=lazy,
    )
    done, finished = make_speaker(event, event.v1)
    add_slides(finished, done)
    make_speaker(event, event.v1, role="panel")  # no slides expected
    deliver_pending()
    mailbox.clear()
    frozen(datetime(2024, 11, 14, 8, 0))
    sign_in(organiser)
    assert client.post(f"{base(event)}/folien/erinnerung").status_code == 303
    deliver_pending()
    assert [(m["To"], m["Subject"]) for m in mailbox] == [
        ("lazy@example.org", "Erinnerung: Ihre Folien für Kommunaltagung")
    ]
    text = mailbox[0].get_body(("plain",)).get_content()
    assert "WS 2 – Continuity of Government" in text and "V 3 – Das Demografieportal" in text
    reminded = SessionSpeaker.select().where(SessionSpeaker.slides_reminded_at.is_null(False))
    assert {a.session_id for a in reminded} == {event.ws2.id, event.v3.id}
    assert AuditEntry.select().where(AuditEntry.action == "speaker.slides_reminded").count() == 1


def test_remind_skips_speakers_whose_deadline_passed(app, event, make_speaker, frozen, mailbox):
    make_speaker(event, event.ws2)  # due 17.11.
    make_speaker(event, event.v3, email="spaeter@example.org")  # due 18.11.
    deliver_pending()
    mailbox.clear()
    frozen(datetime(2024, 11, 18, 8, 0))
    assert board.remind_missing_slides(event) == 1
    deliver_pending()
    assert [m["To"] for m in mailbox] == ["spaeter@example.org"]


def test_zip_of_a_day_has_current_slides_with_safe_names(
    client, sign_in, organiser, event, make_speaker
):
    erika, ws2 = make_speaker(event, event.ws2, name="Erika Mustermann")
    add_slides(ws2, erika, pdf_bytes("alt"), "alt.pdf")
    add_slides(ws2, erika, pdf_bytes("neu"), "neu.pdf")
    bert, v1 = make_speaker(event, event.v1, name="Bert Beispiel")
    set_family(bert, "O'Brien/Beispiel: \x07Überall")
    add_slides(v1, bert, pptx_bytes("v1"), "v1.pptx")
    other, v3 = make_speaker(event, event.v3)
    add_slides(v3, other)  # 20.11.: not in the ZIP of the 19th
    sign_in(organiser)
    response = client.get(f"{base(event)}/folien.zip?tag=2024-11-19")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Folien kommunaltagung 2024-11-19.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    response.close()
    assert contents == {
        "2024-11-19 16-00 Raum A – Workshop 2 – Mustermann.pdf": pdf_bytes("neu"),
        "2024-11-19 16-00 Saal 2 – Vortrag 1 – O Brien Beispiel Überall.pptx": pptx_bytes("v1"),
    }


def test_zip_of_a_room_spans_days_and_numbers_equal_names(
    client, sign_in, organiser, event, make_speaker
):
    first, a = make_speaker(event, event.ws2, name="Anna Meier")
    second, b = make_speaker(event, event.ws2, name="Berta Meier", role="impulse")
    third, c = make_speaker(event, event.v3, name="Clara Schulz")
    for user, assignment in ((first, a), (second, b), (third, c)):
        add_slides(assignment, user, pdf_bytes(user.name))
    sign_in(organiser)
    response = client.get(f"{base(event)}/folien.zip?raum=Raum A")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert archive.read("2024-11-19 16-00 Raum A – Workshop 2 – Meier 2.pdf") == pdf_bytes(
            "Berta Meier"
        )
    response.close()
    assert names == [
        "2024-11-19 16-00 Raum A – Workshop 2 – Meier.pdf",
        "2024-11-19 16-00 Raum A – Workshop 2 – Meier 2.pdf",
        "2024-11-20 10-00 Raum A – Vortrag 3 – Schulz.pdf",
    ]


def test_zip_without_slides_redirects_with_message(client, sign_in, organiser, event):
    sign_in(organiser)
    response = client.get(f"{base(event)}/folien.zip?tag=2024-11-19")
    assert response.status_code == 303
    follow = client.get(response.headers["Location"])
    assert "Für diese Auswahl liegen noch keine Folien vor." in follow.get_data(as_text=True)


def test_zip_with_bad_day_is_404(client, sign_in, organiser, event):
    sign_in(organiser)
    assert client.get(f"{base(event)}/folien.zip?tag=19.11.2024").status_code == 404


def test_technician_name_keeps_safe_characters_only(app, event, make_event):
    session = events.create_session(
        event,
        kind="plenary",
        title="Begrüßung: „Magdeburg“ / <Grußwort> & mehr",
        starts_at=datetime(2024, 11, 19, 14, 0),
        ends_at=datetime(2024, 11, 19, 14, 15),
        room="Plenarsaal\\1",
    )
    name = board.technician_name(session, "Borris\r\n", ".PDF")
    assert name == "2024-11-19 14-00 Plenarsaal 1 – Begrüßung Magdeburg Grußwort mehr – Borris.pdf"
    assert all(ch.isalnum() or ch in " -–." for ch in name)


def test_organiser_downloads_a_version_named_for_technicians(
    client, sign_in, organiser, event, make_speaker
):
    user, assignment = make_speaker(event, event.ws2, name="Erika Mustermann")
    version = add_slides(assignment, user, pdf_bytes("v"), "irgendwas.pdf")
    sign_in(organiser)
    response = client.get(f"{base(event)}/folien/{version.id}")
    assert response.status_code == 200
    assert response.data == pdf_bytes("v")
    assert (
        "2024-11-19%2016-00%20Raum%20A%20%E2%80%93%20Workshop%202%20%E2%80%93%20Mustermann.pdf"
        in (response.headers["Content-Disposition"])
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_version_of_another_event_is_404(
    client, sign_in, organiser, event, make_event, make_speaker
):
    user, assignment = make_speaker(event, event.ws2)
    version = add_slides(assignment, user)
    other = make_event()
    sign_in(organiser)
    assert client.get(f"{base(other)}/folien/{version.id}").status_code == 404


def test_reopen_by_htmx_returns_the_row(client, sign_in, organiser, event, make_speaker, frozen):
    _, assignment = make_speaker(event, event.ws2, name="Erika Mustermann")
    frozen(datetime(2024, 11, 18, 9, 0))
    sign_in(organiser)
    response = client.post(
        f"{base(event)}/beitraege/{assignment.id}/nachreichen",
        data={"reopened": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr class="kern-table__row" id="beitrag-{assignment.id}">')
    assert "<html" not in html
    assert "Nachreichen beenden" in html
    assert 'hx-swap-oob="true"' in html and "Nachreichen für Erika Mustermann erlaubt." in html
    assert "HX-Request" in response.headers["Vary"].split(", ")


def test_reopen_of_another_events_assignment_is_404(
    client, sign_in, organiser, event, make_event, make_speaker
):
    _, assignment = make_speaker(event, event.ws2)
    other = make_event()
    sign_in(organiser)
    response = client.post(
        f"{base(other)}/beitraege/{assignment.id}/nachreichen", data={"reopened": "1"}
    )
    assert response.status_code == 404
    assert SessionSpeaker.get_by_id(assignment.id).uploads_reopened is False


def test_publish_only_after_the_event_and_only_with_consent(
    client, sign_in, organiser, event, make_speaker, frozen
):
    yes, agreed = make_speaker(event, event.ws2, name="Jana Ja")
    no, refused = make_speaker(event, event.ws2, name="Nina Nein", role="impulse")
    add_slides(agreed, yes, pdf_bytes("ja"), "ja.pdf")
    add_slides(refused, no, pdf_bytes("nein"), "nein.pdf")
    slides.set_share_slides(agreed, share=True, user=yes)
    sign_in(organiser)
    frozen(datetime(2024, 11, 20, 20, 0))
    client.post(f"{base(event)}/folien/veroeffentlichen", data={"action": "publish"})
    assert board.published_slides(event.ws2) == []
    frozen(datetime(2024, 11, 21, 9, 0))
    client.post(f"{base(event)}/folien/veroeffentlichen", data={"action": "publish"})
    published = board.published_slides(event.ws2)
    assert [(p.assignment_id, p.version.file.original_name) for p in published] == [
        (agreed.id, "ja.pdf")
    ]
    url = f"/veranstaltungen/{event.slug}/programm/{event.ws2.id}/folien"
    client.get("/")  # anonymous from here on
    with client.session_transaction() as session:
        session.clear()
    public = client.get(f"{url}/{agreed.id}")
    assert public.status_code == 200 and public.data == pdf_bytes("ja")
    public.close()
    assert client.get(f"{url}/{refused.id}").status_code == 404
    slides.set_share_slides(agreed, share=False, user=yes)
    assert client.get(f"{url}/{agreed.id}").status_code == 404
    assert board.published_slides(event.ws2) == []


def test_withdraw_takes_slides_off_the_session_page(app, event, make_speaker, frozen):
    user, assignment = make_speaker(event, event.v1)
    add_slides(assignment, user)
    slides.set_share_slides(assignment, share=True, user=user)
    frozen(datetime(2024, 11, 22, 9, 0))
    assert board.publish_slides(event) == 1
    assert board.publish_slides(event) == 0  # already published
    assert board.withdraw_slides(event) == 1
    assert board.published_slides(event.v1) == []


def test_session_slides_fragment_names_speaker_only_with_consent(app, event, make_speaker, frozen):
    shown, a = make_speaker(event, event.v1, name="Paula Profil")
    hidden, b = make_speaker(event, event.v1, name="Heinz Heimlich", role="impulse")
    for user, assignment in ((shown, a), (hidden, b)):
        add_slides(assignment, user, name=f"{user.name}.pdf")
        slides.set_share_slides(assignment, share=True, user=user)
    SpeakerProfile.update(show_public=True).where(SpeakerProfile.user == shown).execute()
    frozen(datetime(2024, 11, 22, 9, 0))
    board.publish_slides(event)
    with app.test_request_context():
        html = render_template(
            "speakers/_session_slides.html",
            session=event.v1,
            slides=services.published_slides(event.v1),
        )
    assert "Paula Profil (Vortrag)" in html
    assert "Heinz Heimlich" not in html and "Folien (Impuls)" in html
    assert f"/veranstaltungen/{event.slug}/programm/{event.v1.id}/folien/{b.id}" in html


def test_published_slides_of_a_draft_event_stay_hidden(app, event, make_speaker, frozen):
    user, assignment = make_speaker(event, event.v1)
    add_slides(assignment, user)
    slides.set_share_slides(assignment, share=True, user=user)
    frozen(datetime(2024, 11, 22, 9, 0))
    board.publish_slides(event)
    event.status = "draft"
    event.save()
    assert board.published_slides(event.v1) == []
