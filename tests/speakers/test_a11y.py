"""axe-core finds no WCAG 2.2 AA violation on the speakers' and organisers' pages (Chromium)."""

from datetime import datetime

import pytest

from tests.conftest import PASSWORD
from tests.speakers.files import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(live_server, make_user, make_event):
    """An event with a speaker who uploaded twice, and an open invitation; returns paths."""
    from portal.events import services as events
    from portal.speakers import profiles, services, slides, tokens

    _, app = live_server
    app.config["FROZEN_NOW"] = datetime(2024, 11, 1, 10, 0)
    organiser = make_user(email="orga@example.org", roles=("organiser",))
    speaker = make_user(email="erika@example.org", name="Erika Mustermann")
    event = make_event(slug="kommunaltagung", title="Kommunaltagung")
    session = events.create_session(
        event,
        code="WS 2",
        kind="workshop",
        title="Continuity of Government",
        starts_at=datetime(2024, 11, 19, 16, 0),
        ends_at=datetime(2024, 11, 19, 18, 0),
        room="Raum A",
    )
    with app.test_request_context():  # mails carry absolute links
        accepted = services.invite_speaker(
            event, email=speaker.email, name=speaker.name, roles={session.id: "impulse"}
        )
        services.accept_invitation(accepted, user=speaker)
        open_one = services.invite_speaker(
            event, email="neu@example.org", name="Nora Neu", roles={session.id: "panel"}
        )
        token = tokens.make_token(open_one)
        assignment = slides.speaker_assignment(speaker, session.id)
        for n in (1, 2):
            deck = upload(pdf_bytes(str(n)), f"fassung-{n}.pdf")
            slides.upload_slides(assignment, file=deck, user=speaker)
    profiles.save_profile(
        speaker,
        photo=upload(image_bytes(), "p.jpg"),
        given_name="Erika",
        family_name="Mustermann",
        show_public=True,
    )
    base = f"/organisation/veranstaltungen/{event.slug}/referierende"
    return {
        "organiser": organiser,
        "speaker": speaker,
        "invitation": f"/referierende/einladung/{token}",
        "speaker_pages": [
            "/referierende/",
            "/referierende/profil",
            f"/referierende/programmpunkte/{session.id}",
        ],
        "organiser_pages": [base, f"{base}/einladen", f"{base}/folien"],
    }


def log_in(page, user):
    page.goto("/konto/anmelden")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=Anmelden")


def test_invitation_page_has_no_axe_violations(page, check_a11y, programme):
    assert page.goto(programme["invitation"]).status == 200
    assert check_a11y(page) == []
    page.click("text=Konto anlegen und Einladung annehmen")
    assert page.locator("#error-summary").is_visible()
    assert check_a11y(page) == []  # the form with its error summary
    # The only console entry is the browser's note about the 422 answer itself.
    assert [e for e in page.console_errors if "422" not in e] == []


def test_speaker_pages_have_no_axe_violations(page, check_a11y, programme):
    log_in(page, programme["speaker"])
    for path in programme["speaker_pages"]:
        assert page.goto(path).status == 200, path
        assert check_a11y(page) == [], path
    assert page.console_errors == []


def test_organiser_pages_have_no_axe_violations(page, check_a11y, programme):
    log_in(page, programme["organiser"])
    for path in programme["organiser_pages"]:
        assert page.goto(path).status == 200, path
        assert check_a11y(page) == [], path
    assert page.console_errors == []
