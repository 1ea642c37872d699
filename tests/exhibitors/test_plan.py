"""The foyer plan: places on the grid, one booth per place, power warnings, placement forms."""

import pytest

from portal.audit import AuditEntry
from portal.exhibitors import plan, services
from portal.exhibitors.models import Booth, BoothPlace, ExhibitionSettings
from tests.exhibitors.helpers import text_of

PLAN = "/organisation/veranstaltungen/kommunaltagung/ausstellung/plan"


def place_of(booth):
    return Booth.get_by_id(booth.id).place_id


@pytest.fixture
def two_approved(event, make_booth, make_place, approve):
    """Places 1 (no socket) and 2 (socket); two approved booths, the first needs power."""
    first_place = make_place(event, 1, label="Eingang")
    second_place = make_place(event, 2, has_power=True)
    powered = approve(make_booth(event, organisation="Strom e. V.", needs_power=True))
    plain = approve(make_booth(event, organisation="Papier GmbH"))
    return powered, plain, first_place, second_place


# --- places ---------------------------------------------------------------------------


def test_create_place_counts_a_booth_place(app, event, organiser):
    place = services.create_place(
        event, actor=organiser, number=3, label="Fenster", x=2, y=3, width=2, height=1
    )
    assert (place.number, place.label, place.x, place.y, place.width) == (3, "Fenster", 2, 3, 2)
    assert place.name == "Platz 3 (Fenster)"
    assert ExhibitionSettings.get(ExhibitionSettings.event == event).places == 1
    assert AuditEntry.get(AuditEntry.action == "booth_place.created").object_id == place.id


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            {"number": 2, "x": 1, "y": 1},
            {"x": "Der Platz überschneidet sich mit Platz 1."},
        ),
        (
            {"number": 2, "x": 12, "y": 1, "width": 2},
            {"x": "Der Platz muss ganz auf dem Plan liegen (12 Spalten, 8 Reihen)."},
        ),
        (
            {"number": 2, "x": 5, "y": 8, "height": 2},
            {"y": "Der Platz muss ganz auf dem Plan liegen (12 Spalten, 8 Reihen)."},
        ),
        (
            {"number": 2, "x": 5, "y": 1, "width": 5},
            {"width": "Ein Platz ist 1 bis 4 Felder groß."},
        ),
        ({"number": 1, "x": 5, "y": 5}, {"number": "Diese Platznummer ist bereits vergeben."}),
    ],
)
def test_create_place_bad_geometry_refused(app, event, organiser, make_place, values, errors):
    make_place(event, 1, x=1, y=1, width=2)
    values = {"label": "", "width": 1, "height": 1, "has_power": False, **values}
    with pytest.raises(services.InvalidBooth) as caught:
        services.create_place(event, actor=organiser, **values)
    assert {k: str(v) for k, v in caught.value.errors.items()} == errors
    assert BoothPlace.select().count() == 1
    assert ExhibitionSettings.get(ExhibitionSettings.event == event).places == 1


def test_first_overlap_finds_shared_cells():
    others = {1: plan.Rect(1, 1, 2, 2), 2: plan.Rect(5, 5, 1, 1)}
    assert plan.first_overlap(plan.Rect(2, 2, 1, 1), others) == 1
    assert plan.first_overlap(plan.Rect(3, 1, 2, 4), others) is None


def test_update_place_moves_it(app, event, organiser, make_place):
    place = make_place(event, 1)
    moved = services.update_place(place, actor=organiser, x=7, y=4, has_power=True)
    assert (moved.x, moved.y, moved.has_power, moved.number) == (7, 4, True, 1)


def test_delete_place_with_booth_refused(app, event, organiser, make_place, two_approved):
    powered, _, first_place, _ = two_approved
    make_place(event, 3)  # a spare place: the counter would allow one deletion
    services.assign_place(powered, first_place, actor=organiser)
    with pytest.raises(services.BoothError, match="Auf Platz 1 \\(Eingang\\) steht ein Stand"):
        services.delete_place(first_place, actor=organiser)
    assert BoothPlace.select().count() == 3
    assert ExhibitionSettings.get(ExhibitionSettings.event == event).places == 3


def test_delete_place_needed_for_approved_booths_refused(app, event, organiser, two_approved):
    _, _, first_place, _ = two_approved
    with pytest.raises(services.BoothError, match="Jeder Platz wird für einen genehmigten"):
        services.delete_place(first_place, actor=organiser)
    assert BoothPlace.select().count() == 2


def test_delete_free_place(app, event, organiser, make_place):
    place = make_place(event, 1)
    services.delete_place(place, actor=organiser)
    assert BoothPlace.select().count() == 0
    assert ExhibitionSettings.get(ExhibitionSettings.event == event).places == 0


# --- placing booths -------------------------------------------------------------------


def test_one_booth_per_place(app, event, organiser, two_approved):
    powered, plain, first_place, _ = two_approved
    services.assign_place(plain, first_place, actor=organiser)
    with pytest.raises(services.BoothError) as caught:
        services.assign_place(powered, first_place, actor=organiser)
    assert str(caught.value.message) == (
        "Platz 1 (Eingang) ist bereits mit „Papier GmbH“ belegt. Ein Platz bietet Raum für "
        "genau einen Stand."
    )
    assert (place_of(plain), place_of(powered)) == (first_place.id, None)


def test_moving_a_booth_frees_its_old_place(app, event, organiser, two_approved):
    powered, plain, first_place, second_place = two_approved
    services.assign_place(plain, first_place, actor=organiser)
    services.assign_place(plain, second_place, actor=organiser)
    services.assign_place(powered, first_place, actor=organiser)
    assert (place_of(plain), place_of(powered)) == (second_place.id, first_place.id)


def test_only_approved_booths_can_be_placed(app, event, organiser, make_booth, make_place):
    place = make_place(event, 1)
    booth = make_booth(event)
    with pytest.raises(services.BoothError) as caught:
        services.assign_place(booth, place, actor=organiser)
    assert str(caught.value.message) == (
        "Nur genehmigte Stände können einen Platz erhalten. „Institut für Stadtentwicklung“ "
        "ist eingereicht."
    )
    assert place_of(booth) is None


def test_power_warning_when_booth_needs_power_on_place_without(app, event, organiser, two_approved):
    powered, plain, first_place, second_place = two_approved
    placed = services.assign_place(powered, first_place, actor=organiser)
    fine = services.assign_place(plain, second_place, actor=organiser)
    assert (placed.power_warning, fine.power_warning) == (True, False)
    page = services.plan_page(event)
    assert [b.organisation for b in page.warnings] == ["Strom e. V."]
    assert services.assign_place(powered, None, actor=organiser).place is None


def test_place_of_other_event_refused(app, event, organiser, make_event, two_approved):
    powered = two_approved[0]
    other = make_event(slug="andere")
    foreign = services.create_place(other, actor=organiser, number=1, x=1, y=1, width=1, height=1)
    with pytest.raises(services.BoothError, match="gehört nicht zu dieser Veranstaltung"):
        services.assign_place(powered, foreign, actor=organiser)


# --- the plan page --------------------------------------------------------------------


@pytest.fixture
def organiser_in(client, sign_in, organiser):
    sign_in(organiser)
    return organiser


def test_plan_page_shows_grid_booths_and_select_alternative(
    app, client, organiser_in, two_approved
):
    powered, plain, first_place, _ = two_approved
    services.assign_place(powered, first_place, actor=organiser_in)
    response = client.get(PLAN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="plan-place plan-x-1 plan-y-1 plan-w-1 plan-h-1"' in html
    assert f'id="booth-item-{powered.id}"' in html and f'id="booth-item-{plain.id}"' in html
    assert f'<label class="kern-label booth-item__label" for="place-for-{plain.id}">' in html
    assert "Platz zuweisen" in html
    assert 'id="power-warnings"' in html
    assert "„Strom e. V.“ auf Platz 1 (Eingang)" in text_of(response)
    # The taken place is offered only to the booth standing on it.
    plain_select = html.split(f'id="place-for-{plain.id}"')[1].split("</select>")[0]
    assert f'value="{first_place.id}"' not in plain_select


def test_place_booth_plain_post_redirects_with_message(app, client, organiser_in, two_approved):
    _, plain, _, second_place = two_approved
    response = client.post(f"{PLAN}/platzieren", data={"booth": plain.id, "place": second_place.id})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{PLAN}#booth-item-{plain.id}"
    assert place_of(plain) == second_place.id
    assert "„Papier GmbH“ steht jetzt auf Platz 2." in text_of(client.get(PLAN))


def test_place_booth_htmx_answers_fragment_with_status_and_focus(
    app, client, organiser_in, two_approved
):
    powered, _, first_place, _ = two_approved
    response = client.post(
        f"{PLAN}/platzieren",
        data={"booth": powered.id, "place": first_place.id},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(
        f'<div id="foyer-plan" class="foyer-plan" data-focus="booth-item-{powered.id}">'
    )
    status = html.split('<div id="status-region" hx-swap-oob="innerHTML">')[1].split("</div>")[0]
    assert status == (
        "„Strom e. V.“ steht jetzt auf Platz 1 (Eingang). Achtung: Der Stand braucht Strom, "
        "dieser Platz hat keinen Stromanschluss."
    )


def test_place_booth_htmx_on_taken_place_is_422_and_changes_nothing(
    app, client, organiser_in, two_approved
):
    powered, plain, first_place, _ = two_approved
    services.assign_place(plain, first_place, actor=organiser_in)
    response = client.post(
        f"{PLAN}/platzieren",
        data={"booth": powered.id, "place": first_place.id},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'id="plan-error"' in response.get_data(as_text=True)
    assert "ist bereits mit „Papier GmbH“ belegt" in text_of(response)
    assert (place_of(plain), place_of(powered)) == (first_place.id, None)


def test_place_booth_of_other_event_is_404(app, client, organiser_in, make_event, two_approved):
    _, plain, _, _ = two_approved
    make_event(slug="andere")
    response = client.post(
        "/organisation/veranstaltungen/andere/ausstellung/plan/platzieren",
        data={"booth": plain.id, "place": ""},
    )
    assert response.status_code == 404


def test_new_place_form_invalid_is_422_with_messages(app, client, organiser_in, event):
    response = client.post(f"{PLAN}/plaetze", data={"number": "1", "x": "13", "y": "1"})
    assert response.status_code == 422
    assert "Bitte geben Sie eine Zahl von 1 bis 12 an." in text_of(response)
    assert BoothPlace.select().count() == 0


def test_new_place_form_creates_place(app, client, organiser_in, event):
    data = {"number": "4", "label": "Treppe", "x": "3", "y": "2", "width": "2", "height": "1"}
    response = client.post(f"{PLAN}/plaetze", data={**data, "has_power": "y"})
    assert response.status_code == 303
    place = BoothPlace.get()
    assert (place.number, place.label, place.x, place.width, place.has_power) == (
        4,
        "Treppe",
        3,
        2,
        True,
    )


def test_plan_page_queries_do_not_grow_with_booths(
    app, client, organiser_in, event, make_booth, make_place, approve, count_queries
):
    def measure():
        with count_queries() as queries:
            assert client.get(PLAN).status_code == 200
        return len(queries)

    make_place(event, 1)
    approve(make_booth(event, organisation="A"))
    few = measure()
    for n in range(2, 6):
        make_place(event, n)
        approve(make_booth(event, organisation=f"Org {n}"))
    assert measure() == few
