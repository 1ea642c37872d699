"""Profiles: fields, the photo (re-encoded, resized, replaced), and the public speaker lists."""

import io
import re

from flask import render_template
from PIL import Image

from portal.speakers import profiles, services
from portal.speakers.models import SpeakerProfile
from portal.storage import StoredFile, file_path
from tests.speakers.files import ELF, image_bytes, upload

FIELDS = {
    "academic_title": "Dr.",
    "given_name": "Erika",
    "family_name": "Mustermann",
    "position": "Referatsleiterin",
    "organisation": "Landkreis Harz",
    "bio": "Leitet seit 2019 den Krisenstab.",
}


def post_profile(client, photo=None, **extra):
    data = {**FIELDS, **extra}
    if photo is not None:
        data["new_photo"] = (io.BytesIO(photo[0]), photo[1])
    return client.post("/referierende/profil", data=data, content_type="multipart/form-data")


def test_profile_is_saved_with_photo_reencoded_and_resized(
    client, sign_in, event, make_speaker, files_on_disk
):
    user, _ = make_speaker(event, event.ws2)
    sign_in(user)
    response = post_profile(
        client, photo=(image_bytes((1600, 1200)), "portrait.jpg"), show_public="y"
    )
    assert response.status_code == 303
    profile = SpeakerProfile.get(SpeakerProfile.user == user)
    assert (profile.display_name, profile.position, profile.organisation, profile.show_public) == (
        "Dr. Erika Mustermann",
        "Referatsleiterin",
        "Landkreis Harz",
        True,
    )
    with Image.open(file_path(profile.photo)) as img:
        assert (img.format, img.size) == ("JPEG", (600, 450))
        assert dict(img.getexif()) == {}
    assert len(files_on_disk()) == 1


def test_new_photo_replaces_and_deletes_the_old_one(app, event, make_speaker, files_on_disk):
    user, _ = make_speaker(event, event.ws2)
    first = profiles.save_profile(user, photo=upload(image_bytes(), "a.jpg"), **FIELDS)
    old_path = file_path(first.photo)
    second = profiles.save_profile(
        user, photo=upload(image_bytes((300, 300), "PNG"), "b.png"), **FIELDS
    )
    assert second.photo_id != first.photo_id
    assert not old_path.exists()
    assert [f.id for f in StoredFile.select()] == [second.photo_id]
    assert len(files_on_disk()) == 1


def test_photo_can_be_removed(app, event, make_speaker, files_on_disk):
    user, _ = make_speaker(event, event.ws2)
    profiles.save_profile(user, photo=upload(image_bytes(), "a.jpg"), **FIELDS)
    profile = profiles.save_profile(user, remove_photo=True, **FIELDS)
    assert profile.photo_id is None
    assert StoredFile.select().count() == 0 and files_on_disk() == []


def test_bad_photo_is_422_and_keeps_typed_values(
    client, sign_in, event, make_speaker, files_on_disk
):
    user, _ = make_speaker(event, event.ws2)
    sign_in(user)
    response = post_profile(client, photo=(ELF, "foto.jpg"), organisation="Stadt Halle (Saale)")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Der Inhalt der Datei passt nicht zur Endung jpg." in html
    assert 'value="Stadt Halle (Saale)"' in html
    assert SpeakerProfile.get(SpeakerProfile.user == user).organisation == ""
    assert files_on_disk() == []


def test_missing_names_are_422(client, sign_in, event, make_speaker):
    user, _ = make_speaker(event, event.ws2)
    sign_in(user)
    response = post_profile(client, given_name="", family_name="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bitte geben Sie Ihren Vornamen ein." in html
    assert "Bitte geben Sie Ihren Nachnamen ein." in html


def test_public_speakers_only_when_they_agreed(
    app, event, make_speaker, invite, make_user, count_queries
):
    agreed, _ = make_speaker(event, event.ws2, role="panel")
    profiles.save_profile(agreed, photo=upload(image_bytes(), "p.jpg"), show_public=True, **FIELDS)
    keynote, _ = make_speaker(event, event.ws2, role="keynote")
    profiles.save_profile(
        keynote,
        show_public=True,
        **{**FIELDS, "given_name": "Ralph", "family_name": "Spiegler", "academic_title": ""},
    )
    refused, _ = make_speaker(event, event.ws2, role="talk")
    profiles.save_profile(refused, show_public=False, **{**FIELDS, "family_name": "Privat"})
    pending = make_user(email="offen@example.org")
    profiles.save_profile(pending, show_public=True, **{**FIELDS, "family_name": "Offen"})
    invite(event, {event.ws2: "talk"}, email="offen@example.org", name="Otto Offen")
    with count_queries() as queries:
        listing = services.public_speakers_by_session(event)
    assert len(queries) == 1
    assert list(listing) == [event.ws2.id]
    speakers = listing[event.ws2.id]
    assert [(s.name, s.role, s.organisation) for s in speakers] == [
        ("Ralph Spiegler", "keynote", "Landkreis Harz"),
        ("Dr. Erika Mustermann", "panel", "Landkreis Harz"),
    ]
    assert speakers[1].photo_id is not None and speakers[0].photo_id is None


def test_session_speakers_fragment_renders_name_organisation_photo(app, event, make_speaker):
    user, _ = make_speaker(event, event.ws2, role="panel")
    profile = profiles.save_profile(
        user, photo=upload(image_bytes(), "p.jpg"), show_public=True, **FIELDS
    )
    speakers = services.public_speakers_by_session(event)[event.ws2.id]
    with app.test_request_context():
        html = render_template("speakers/_session_speakers.html", speakers=speakers)
    assert "Dr. Erika Mustermann" in html
    assert "Referatsleiterin, Landkreis Harz" in html
    assert "Podium" in html
    assert f'src="/referierende/fotos/{profile.id}/{profile.photo_id}"' in html


def test_photo_is_public_only_after_consent(client, sign_in, event, make_speaker, organiser):
    user, _ = make_speaker(event, event.ws2)
    profile = profiles.save_profile(user, photo=upload(image_bytes(), "p.jpg"), **FIELDS)
    url = f"/referierende/fotos/{profile.id}/{profile.photo_id}"
    assert client.get(url).status_code == 404
    sign_in(user)
    own = client.get(url)
    assert own.status_code == 200 and own.mimetype == "image/jpeg"
    own.close()
    sign_in(organiser)
    seen = client.get(url)
    assert seen.status_code == 200
    seen.close()
    profiles.save_profile(user, show_public=True, **FIELDS)
    with client.session_transaction() as session:
        session.clear()
    public = client.get(url)
    assert public.status_code == 200
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    public.close()
    assert (
        client.get(f"/referierende/fotos/{profile.id}/{profile.photo_id + 99}").status_code == 404
    )


def test_speaker_pages_need_login(client):
    for path in ("/referierende/", "/referierende/profil"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/konto/anmelden")


def test_profile_page_shows_photo_and_consent(client, sign_in, event, make_speaker):
    user, _ = make_speaker(event, event.ws2)
    profile = profiles.save_profile(
        user, photo=upload(image_bytes(), "p.jpg"), show_public=True, **FIELDS
    )
    sign_in(user)
    html = client.get("/referierende/profil").get_data(as_text=True)
    assert f'src="/referierende/fotos/{profile.id}/{profile.photo_id}"' in html
    assert 'value="Referatsleiterin"' in html
    assert re.search(r'<input [^>]*checked [^>]*id="show_public"', html)
    assert 'name="remove_photo"' in html
