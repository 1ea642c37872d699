"""Who may do what: exhibitors only their own booths, organisers the rest, others nothing."""

import pytest

from portal.exhibitors.models import Booth, BoothPlace, BoothState
from tests.exhibitors.helpers import form_data, png_bytes, upload

ORGANISER_BASE = "/organisation/veranstaltungen/kommunaltagung/ausstellung"
ORGANISER_PAGES = [
    ORGANISER_BASE,
    ORGANISER_BASE + "/staende/1",
    ORGANISER_BASE + "/staende/1/logo",
    ORGANISER_BASE + "/plan",
    ORGANISER_BASE + "/plan/plaetze/1",
]
ORGANISER_POSTS = [
    (ORGANISER_BASE + "/staende/1", {"state": "approved"}),
    (ORGANISER_BASE + "/plan/platzieren", {"booth": "1", "place": "1"}),
    (ORGANISER_BASE + "/plan/plaetze", {"number": "9", "x": "9", "y": "1"}),
    (ORGANISER_BASE + "/plan/plaetze/1/loeschen", {}),
]
EXHIBITOR_PAGES = [
    "/aussteller",
    "/veranstaltungen/kommunaltagung/ausstellung/anmelden",
    "/aussteller/staende/1",
]


@pytest.fixture
def booth(event, make_booth, make_place):
    make_place(event, 1)
    return make_booth(event, logo=upload(png_bytes(), "logo.png"))


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_organiser_pages_attendee_gets_403(app, client, booth, make_user, sign_in, url):
    sign_in(make_user(roles=("attendee",)))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_organiser_pages_exhibitor_gets_403(app, client, booth, exhibitor, sign_in, url):
    sign_in(exhibitor)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("url", "data"), ORGANISER_POSTS)
def test_organiser_posts_by_attendee_change_nothing(
    app, client, booth, make_user, sign_in, url, data
):
    sign_in(make_user(roles=("attendee",)))
    assert client.post(url, data=data).status_code == 403
    stored = Booth.get_by_id(booth.id)
    assert (stored.state, stored.place_id) == (BoothState.SUBMITTED, None)
    assert BoothPlace.select().count() == 1


@pytest.mark.parametrize("url", ORGANISER_PAGES + EXHIBITOR_PAGES)
def test_anonymous_redirected_to_login(app, client, booth, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


@pytest.mark.parametrize("url", EXHIBITOR_PAGES)
def test_exhibitor_pages_attendee_gets_403(app, client, booth, make_user, sign_in, url):
    sign_in(make_user(roles=("attendee",)))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url", ["/aussteller/staende/{}", "/aussteller/staende/{}/logo", "/aussteller/staende/{}/flyer"]
)
def test_other_exhibitors_booth_is_404(app, client, booth, make_user, sign_in, url):
    sign_in(make_user(roles=("exhibitor",)))
    assert client.get(url.format(booth.id)).status_code == 404


def test_other_exhibitors_booth_post_is_404_and_unchanged(app, client, booth, make_user, sign_in):
    sign_in(make_user(roles=("exhibitor",)))
    response = client.post(
        f"/aussteller/staende/{booth.id}",
        data=form_data(topic="Übernommen"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    assert Booth.get_by_id(booth.id).topic == "Resiliente Kommunen"


def test_other_exhibitors_booth_not_listed(app, client, booth, make_user, sign_in):
    sign_in(make_user(roles=("exhibitor",)))
    assert "Institut für Stadtentwicklung" not in client.get("/aussteller").get_data(as_text=True)


def test_organiser_of_other_event_url_is_404(app, client, booth, organiser, make_event, sign_in):
    make_event(slug="andere")
    sign_in(organiser)
    base = "/organisation/veranstaltungen/andere/ausstellung"
    assert client.get(f"{base}/staende/{booth.id}").status_code == 404
    assert client.get(f"{base}/plan/plaetze/1").status_code == 404
    assert client.get("/organisation/veranstaltungen/gibt-es-nicht/ausstellung").status_code == 404


def test_post_without_csrf_token_refused(app, client, booth, organiser, sign_in):
    sign_in(organiser)
    response = client.post(
        ORGANISER_BASE + f"/staende/{booth.id}", data={"state": "approved"}, csrf=False
    )
    assert response.status_code == 400
    assert Booth.get_by_id(booth.id).state == BoothState.SUBMITTED
