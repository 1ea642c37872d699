"""Simulation game: one moderator per table, the moderator's own table, table lists."""

import csv
import io

import pytest
from pypdf import PdfReader

from portal.accounts.models import RoleGrant
from portal.allocation import services
from portal.allocation.models import GameTable


@pytest.fixture
def game(programme, person, organiser, make_user):
    """12 players at two tables of the published run, three moderators of the event."""
    s = programme.s
    players = [person(f"Spieler{n:02d}", s["PS"], s["WS 2"]) for n in range(12)]
    moderators = []
    for name in ("Mona Mod", "Nils Mod", "Olaf Mod"):
        user = make_user(name=name, roles=())
        RoleGrant.create(user=user, role="moderator", event=programme.event)
        moderators.append(user)
    run = services.run_allocation(programme.event, actor=organiser)
    services.publish_run(run, actor=organiser)
    return players, moderators, run


def _tables(run):
    return list(GameTable.select().where(GameTable.run == run).order_by(GameTable.number))


def test_assign_moderators_gives_one_per_table(programme, game, organiser):
    _players, moderators, run = game
    assert services.assign_moderators(programme.event, actor=organiser) == 2
    assert [t.moderator_id for t in _tables(run)] == [moderators[0].id, moderators[1].id]
    assert services.assign_moderators(programme.event, actor=organiser) == 0


def test_assign_moderators_before_publication_is_refused(programme, person, organiser):
    person("Anna", programme.s["PS"], programme.s["WS 2"])
    services.run_allocation(programme.event, actor=organiser)
    with pytest.raises(services.AllocationError):
        services.assign_moderators(programme.event, actor=organiser)


def test_set_table_moderator_refuses_non_moderators_and_doubles(
    programme, game, organiser, make_user
):
    _players, moderators, run = game
    first, second = _tables(run)
    outsider = make_user(name="Otto Außen", roles=())
    with pytest.raises(services.AllocationError) as refused:
        services.set_table_moderator(
            programme.event, table_id=first.id, moderator_id=outsider.id, actor=organiser
        )
    assert refused.value.field == "moderator"
    services.set_table_moderator(
        programme.event, table_id=first.id, moderator_id=moderators[2].id, actor=organiser
    )
    with pytest.raises(services.AllocationError) as double:
        services.set_table_moderator(
            programme.event, table_id=second.id, moderator_id=moderators[2].id, actor=organiser
        )
    assert double.value.message == "Olaf Mod moderiert bereits einen anderen Tisch."
    assert GameTable.get_by_id(second.id).moderator_id is None


def test_moderator_sees_only_their_table(programme, game, organiser, client, login):
    players, moderators, run = game
    services.assign_moderators(programme.event, actor=organiser)
    own, other = _tables(run)
    login(moderators[0])
    overview = client.get("/moderation/kommunaltagung")
    assert overview.status_code == 200
    assert f"/moderation/kommunaltagung/tische/{own.id}" in overview.text
    assert f"/moderation/kommunaltagung/tische/{other.id}" not in overview.text
    page = client.get(f"/moderation/kommunaltagung/tische/{own.id}")
    assert page.status_code == 200
    listed = [p for p in players if f"{p.last_name}, Erika" in page.text]
    assert len(listed) == 6
    assert client.get(f"/moderation/kommunaltagung/tische/{other.id}").status_code == 404


def test_moderation_page_of_someone_without_the_role_is_404(programme, game, client, login):
    players, _moderators, _run = game
    login(players[0].account)
    assert client.get("/moderation/kommunaltagung").status_code == 404


def test_table_lists_as_csv_and_pdf(programme, game, organiser, client):
    players, _moderators, run = game
    services.assign_moderators(programme.event, actor=organiser)
    base = f"/organisation/veranstaltungen/kommunaltagung/zuteilung/laeufe/{run.id}/tische"
    response = client.get(base + ".csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Session",
        "Beginn",
        "Tisch",
        "Moderation",
        "Nachname",
        "Vorname",
        "Organisation",
        "Art der Organisation",
    ]
    assert len(rows) == 13
    assert {r[2] for r in rows[1:]} == {"1", "2"}
    assert {r[3] for r in rows[1:]} == {"Mona Mod", "Nils Mod"}
    assert sorted(r[4] for r in rows[1:]) == sorted(p.last_name for p in players)
    pdf = client.get(base + ".pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 2
    assert "Tisch 1: PS – Planspiel Neustart" in reader.pages[0].extract_text()
    assert "Moderation: Mona Mod" in reader.pages[0].extract_text()


def test_table_lists_are_for_organisers_only(programme, game, client, login):
    players, _moderators, run = game
    login(players[0].account)
    url = f"/organisation/veranstaltungen/kommunaltagung/zuteilung/laeufe/{run.id}/tische.csv"
    assert client.get(url).status_code == 403


def test_changes_page_sets_a_moderator_by_form(programme, game, organiser, client):
    _players, moderators, run = game
    first, _second = _tables(run)
    base = "/organisation/veranstaltungen/kommunaltagung/zuteilung"
    page = client.get(base + "/aenderungen")
    assert page.status_code == 200
    assert f'id="table-{first.id}-moderator"' in page.text
    assert "PS – Planspiel Neustart, Tisch 1 (6 Personen)" in page.text
    url = f"{base}/tische/{first.id}/moderation"
    bad = client.post(url, data={f"table-{first.id}-moderator": "999999"})
    assert bad.status_code == 422
    assert "Bitte wählen Sie einen Eintrag aus der Liste." in bad.text
    ok = client.post(url, data={f"table-{first.id}-moderator": str(moderators[1].id)})
    assert ok.status_code == 303
    assert GameTable.get_by_id(first.id).moderator_id == moderators[1].id
    audit = client.get(base + "/protokoll")
    assert "Moderation geändert" in audit.text
    assert "Nils Mod" in audit.text
