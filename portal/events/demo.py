"""Demo data: both events of the documents and one account per role (idempotent).

Facts come from the source documents; everything they do not say (most times, every room,
every capacity, the venue's rooms) is invented and written into each session's `assumptions`.
Descriptions are our own summaries, not quotes.
"""

from datetime import date, datetime

from peewee import IntegrityError

from portal.accounts.models import Role, RoleGrant, User
from portal.accounts.passwords import hash_password
from portal.events import services
from portal.events.models import DeadlineKind, Event, EventStatus, Session, SessionKind
from portal.extensions import db
from portal.timeutil import now

DEMO_PASSWORD = "Tagung-Demo-2024!"
DEMO_DOMAIN = "demo.tagungsportal.example"
KOMMUNALTAGUNG = "kommunaltagung-2024"
KOMMUNEN_KONSTRUKTIV = "kommunen-konstruktiv-2024"

# (role label, local part, name, role, event slug for an event-bound grant or None)
ACCOUNTS = [
    ("Teilnehmende", "teilnahme", "Demo Teilnehmerin", Role.ATTENDEE, None),
    ("Referierende", "referent", "Demo Referent", Role.SPEAKER, KOMMUNALTAGUNG),
    ("Aussteller", "aussteller", "Demo Ausstellerin", Role.EXHIBITOR, None),
    ("Moderation", "moderation", "Demo Moderator", Role.MODERATOR, KOMMUNALTAGUNG),
    ("Organisationsbüro", "organisation", "Demo Organisationsbüro", Role.ORGANISER, None),
    ("Administration", "admin", "Demo Administration", Role.ADMIN, None),
]

TIME_ROOM_CAPACITY = "Uhrzeit, Raum und Platzzahl angenommen."
ROOM_CAPACITY = "Raum und Platzzahl angenommen; die Uhrzeit steht in den Unterlagen."
PARALLEL = (
    "Die Unterlagen nennen keine Uhrzeit: angenommen ist, dass alle Breakout-Sessions des "
    "Tages parallel laufen. Raum und Platzzahl angenommen."
)
PLENARY_TIME = "Uhrzeit und Raum angenommen; die Unterlagen nennen nur den Programmpunkt."

KOMMUNALTAGUNG_EVENT = {
    "slug": KOMMUNALTAGUNG,
    "title": "Kommunaltagung des Bundesministeriums des Innern und für Heimat",
    "motto": "Gleichwertig, resilient, gemeinsam",
    "starts_on": date(2024, 11, 19),
    "ends_on": date(2024, 11, 20),
    "venue": "Magdeburg",
    "address": "",
    "description": (
        "Zwei Tage Austausch zwischen dem Bundesinnenministerium als Kommunalministerium und "
        "den Kommunen: Es geht um Daseinsvorsorge, gleichwertige Lebensverhältnisse und darum, "
        "wie Verwaltung und Mandatsträger vor Ort Krisen und Anfeindungen standhalten.\n\n"
        "Eingeladen sind vor allem kommunale Praktikerinnen und Praktiker, daneben Fachleute "
        "aus Bund, Ländern, Verbänden, Wissenschaft und Zivilgesellschaft, die sich mit "
        "Kommunalfragen befassen. Auf dem Programm stehen Reden, ein Krisenplanspiel, "
        "Workshops und Vorträge, ein gemeinsamer Abend und eine Podiumsdiskussion zum "
        "Abschluss.\n\n"
        "Die Teilnahme ist kostenlos. Kommunale Praktikerinnen und Praktiker können die "
        "Erstattung ihrer Reise- und Hotelkosten beantragen.\n\n"
        "Die Anmeldefrist wurde vom 18.10.2024 auf den 31.10.2024 verlängert.\n\n"
        "Demodaten: Der genaue Tagungsort in Magdeburg ist in den Unterlagen nicht genannt."
    ),
    "contact_name": "Organisationsbüro der Agentur familie redlich (im Auftrag des BMI)",
    "contact_email": f"kommunaltagung@{DEMO_DOMAIN}",
    "contact_phone": "",
    "service_hours": "werktags 9:00–18:00 Uhr",
    "status": EventStatus.PUBLISHED,
}

KOMMUNEN_KONSTRUKTIV_EVENT = {
    "slug": KOMMUNEN_KONSTRUKTIV,
    "title": "Kommunen konstruktiv!",
    "motto": (
        "Mit Open Government zu besseren öffentlichen Leistungen und mehr Demokratie in den "
        "Kommunen?"
    ),
    "starts_on": date(2024, 11, 14),
    "ends_on": date(2024, 11, 14),
    "venue": "Georg-Friedrich-Händel-Halle",
    "address": "Salzgrafenplatz 1, 06108 Halle (Saale)",
    "description": (
        "Ein Dialogtag des BMI für Kommunen, Städte, Landkreise und kommunale "
        "Spitzenverbände, 09:30 bis 16:30 Uhr. Im Mittelpunkt steht die Frage, was Open "
        "Government – eine Verwaltung, die sich gegenüber der Gesellschaft öffnet und dabei "
        "digitale Werkzeuge nutzt – für das Gemeinwesen vor Ort leisten kann: bessere "
        "Leistungen, mehr Beteiligung und mehr Vertrauen in demokratische Abläufe.\n\n"
        "Erwartet werden kurze Impulse aus der Praxis, Zeit für Erfahrungsaustausch und "
        "Vernetzung sowie Beispiele aus kommunalen Umsetzungsprojekten.\n\n"
        "Das BMI richtet den Tag gemeinsam mit dem Ministerium für Infrastruktur und Digitales "
        "Sachsen-Anhalt und dem Nationalen E-Government Kompetenzzentrum (NEGZ) aus. Die "
        "Teilnahme ist kostenlos.\n\n"
        "Demodaten: Der Ablauf im Einzelnen und die Anmeldefrist sind angenommen."
    ),
    "contact_name": "Organisationsteam der msg systems ag (im Auftrag des BMI)",
    "contact_email": "project-auf-augenhoehe@msg.group",
    "contact_phone": "",
    "service_hours": "",
    "status": EventStatus.PUBLISHED,
}


def _at(day: int, hhmm: str, month: int = 11) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime(2024, month, day, hour, minute)


def _kt(code, kind, title, day, start, end, **extra) -> dict:
    return {
        "code": code,
        "kind": kind,
        "title": title,
        "starts_at": _at(day, start),
        "ends_at": _at(day, end),
        **extra,
    }


FOYER_BOOTH = "Ein Informationsstand im Foyer ergänzt die Session; er ist in den Pausen geöffnet."

# Kommunaltagung, 19.–20.11.2024. "requires" names another session by code.
KOMMUNALTAGUNG_SESSIONS = [
    _kt(
        "PS",
        SessionKind.GAME,
        "Blackout-Simulation Neustart: Krisenplanspiel für Kommunen",
        19,
        "08:30",
        "12:30",
        is_breakout=True,
        table_size=10,
        capacity=60,
        room="Saal 1",
        requires="WS 2",
        description=(
            "Ein Planspiel für kommunale Entscheiderinnen, Entscheider und Krisenstäbe: Eine "
            "Kleinstadt ist nach einem Cyberangriff ohne Strom, und der Krisenstab muss die "
            "wichtigsten Aufgaben der Verwaltung weiterführen. An jedem Tisch spielen zehn "
            "Personen, begleitet von einer Moderatorin oder einem Moderator.\n\n"
            "Ausgewertet wird das Spiel am Nachmittag in Workshop 2 (16:00–18:00 Uhr). Wer "
            "am Planspiel teilnimmt, ist deshalb auch für Workshop 2 eingeplant."
        ),
        assumptions=ROOM_CAPACITY + " Sechs Tische zu je zehn Personen angenommen.",
    ),
    _kt(
        None,
        SessionKind.PLENARY,
        "Eröffnungsrede der Bundesministerin des Innern und für Heimat",
        19,
        "13:30",
        "14:00",
        room="Plenarsaal",
        presenters="Nancy Faeser, Bundesministerin des Innern und für Heimat",
        description="Die Bundesinnenministerin eröffnet die Tagung.",
        assumptions=PLENARY_TIME,
    ),
    _kt(
        None,
        SessionKind.PLENARY,
        "Begrüßung durch die Oberbürgermeisterin der Landeshauptstadt Magdeburg",
        19,
        "14:00",
        "14:15",
        room="Plenarsaal",
        presenters="Simone Borris, Oberbürgermeisterin von Magdeburg",
        description="Die Gastgeberstadt heißt die Teilnehmenden willkommen.",
        assumptions=PLENARY_TIME,
    ),
    _kt(
        None,
        SessionKind.PLENARY,
        "Keynote für die Bundesvereinigung der kommunalen Spitzenverbände",
        19,
        "14:15",
        "15:00",
        room="Plenarsaal",
        presenters=(
            "Ralph Spiegler, 1. Vizepräsident des Deutschen Städte- und Gemeindebundes (DStGB)"
        ),
        description=(
            "Der Blick der kommunalen Spitzenverbände auf die Lage der Kommunen: Finanzen, "
            "wachsende Aufgaben, Demografie und gesellschaftlicher Zusammenhalt."
        ),
        assumptions=PLENARY_TIME,
    ),
    _kt(
        "WS 1",
        SessionKind.WORKSHOP,
        "Hybride Bedrohungen und Desinformation als kommunales Thema",
        19,
        "16:00",
        "18:00",
        is_breakout=True,
        capacity=60,
        room="Seminarraum A",
        description=(
            "Cyberangriffe, Sabotage, Angriffe auf kritische Infrastruktur oder gezielte "
            "Falschinformationen fremder Staaten treffen auch Städte, Kreise und Gemeinden. "
            "Der Workshop schärft den Blick für solche hybriden Bedrohungen und stellt vor, "
            "wo Kommunen Unterstützung und Partner finden."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "WS 2",
        SessionKind.WORKSHOP,
        "Continuity of Government: Krisenbewältigung und Krisenprävention",
        19,
        "16:00",
        "18:00",
        is_breakout=True,
        capacity=80,
        room="Saal 1",
        description=(
            "Zuerst wird das Planspiel „Neustart“ vom Vormittag gemeinsam ausgewertet. Danach "
            "folgt eine einstündige Podiumsdiskussion mit kommunalen Vertreterinnen und "
            "Vertretern: Was lässt sich aus echten Krisen für Vorsorge und Bewältigung lernen, "
            "damit die Verwaltung handlungsfähig bleibt?"
        ),
        assumptions=ROOM_CAPACITY
        + " Die Platzzahl ist größer gewählt, weil alle Planspiel-Teilnehmenden hier "
        "eingeplant sind.",
    ),
    _kt(
        "WS 3",
        SessionKind.WORKSHOP,
        "Kommunale Präventionsstrategien und gesellschaftlicher Zusammenhalt",
        19,
        "16:00",
        "18:00",
        is_breakout=True,
        capacity=40,
        room="Seminarraum B",
        description=(
            "Demokratiefeindliche Proteste und rechtsextreme Mobilisierung setzen den "
            "Zusammenhalt vor Ort unter Druck. Zwei Beispiele aus der Praxis zeigen, wie "
            "Landkreise, Städte und Gemeinden ihre Präventionsarbeit gegen Radikalisierung "
            "dauerhaft aufstellen und weiterentwickeln können.\n\n" + FOYER_BOOTH
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "WS 4",
        SessionKind.WORKSHOP,
        "Schutz kommunaler Amts- und Mandatsträger",
        19,
        "16:00",
        "18:00",
        is_breakout=True,
        capacity=50,
        room="Seminarraum C",
        presenters=(
            "Bundeskriminalamt (BKA)\n"
            "HateAid\n"
            "Aktion Zivilcourage\n"
            "Bundesministerium des Innern und für Heimat (BMI)\n"
            "Deutsches Forum für Kriminalprävention (DFK)"
        ),
        description=(
            "Das BKA berichtet aus dem kommunalen Monitoring des Forschungsprojekts MOTRA, "
            "wie oft und wie kommunale Amts- und Mandatsträger angefeindet werden. Zwei "
            "zivilgesellschaftliche Angebote stellen ihre Hilfe vor – gegen Hass im Netz und "
            "bei Konflikten vor Ort. BMI und DFK erläutern die bundesweite Ansprechstelle "
            "„starke Stelle“. Anschließend tauschen sich die Teilnehmenden über eigene "
            "Erfahrungen und die vorhandene Unterstützung aus."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "WS 5",
        SessionKind.WORKSHOP,
        "Kommunalfreundliche Gesetzgebung",
        19,
        "16:00",
        "18:00",
        is_breakout=True,
        capacity=40,
        room="Seminarraum D",
        presenters="Allianz für Kommunen",
        description=(
            "Die im April 2024 gegründete Allianz für Kommunen richtet diesen Workshop aus. "
            "Nach kurzen Impulsen zu Gesetzesvorhaben, bei denen Kommunen früh beteiligt "
            "wurden, wird diskutiert, was diese Beteiligung erfolgreich gemacht hat und was "
            "daraus für künftige Praxis-Checks folgt."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "WS 6",
        SessionKind.WORKSHOP,
        "Anliegen von Grenzregionen in der Bundespolitik",
        19,
        "16:00",
        "18:00",
        is_breakout=True,
        capacity=30,
        room="Seminarraum E",
        description=(
            "Grenzregionen haben eigene Anliegen, die weder allgemeine Kommunalpolitik noch "
            "das ganze Verhältnis zu einem Nachbarstaat betreffen. Der Workshop fragt, wie "
            "solche Anliegen analysiert werden, welche Ebene – Land, Bund oder EU – zuständig "
            "ist und wie die Abstimmung der Grenzregionen untereinander und mit dem "
            "zuständigen Referat im BMI besser gelingen kann."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "V 1",
        SessionKind.TALK,
        "Netzwerk für nachhaltige öffentliche Beschaffung: eine Initiative aus Bund, Ländern "
        "und Kommunen",
        19,
        "16:00",
        "18:00",
        is_breakout=True,
        capacity=80,
        room="Saal 2",
        presenters="Interministerieller Ausschuss für nachhaltige Beschaffung (IMA nöB)",
        description=(
            "Die öffentliche Hand kauft jedes Jahr für viele Milliarden Euro ein und kann "
            "damit den Markt in Richtung Nachhaltigkeit bewegen. Der Vortrag stellt ein "
            "neues Netzwerk von Bund, Ländern und Kommunen vor, das gemeinsame Standards für "
            "nachhaltige Beschaffung entwickeln und Erfahrungen teilen will – und lädt zum "
            "Mitmachen ein.\n\n" + FOYER_BOOTH
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        None,
        SessionKind.SOCIAL,
        "Get-together mit Buffet",
        19,
        "19:00",
        "22:00",
        room="Foyer",
        description="Ausklang des ersten Tages mit Buffet und Zeit für Gespräche.",
        assumptions=PLENARY_TIME,
    ),
    _kt(
        "WS 7",
        SessionKind.WORKSHOP,
        "ELSA – Selbstanwendungstool für kommunale lokale Sicherheitsanalysen",
        20,
        "09:00",
        "11:00",
        is_breakout=True,
        capacity=40,
        room="Seminarraum A",
        presenters="Bundeskriminalamt (BKA)\nStadt Gelsenkirchen",
        description=(
            "Mit ELSA können Kommunen und örtliche Polizei selbst untersuchen, wie es um die "
            "Sicherheit in einzelnen Stadtteilen steht; das BKA stellt das Werkzeug kostenlos "
            "bereit. Nach der Vorstellung berichtet die Stadt Gelsenkirchen als "
            "Pilotkommune, wie sie das Werkzeug im Alltag nutzt."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "WS 8",
        SessionKind.WORKSHOP,
        "Kommunale Integrationspolitik: Herausforderungen und Perspektiven",
        20,
        "09:00",
        "11:00",
        is_breakout=True,
        capacity=60,
        room="Saal 1",
        description=(
            "Zuwanderung fordert haupt- und ehrenamtlich Verantwortliche in den Kommunen "
            "stark. Der Workshop fragt, was Kommunen seit 2015 und 2022 gelernt haben und wie "
            "eine Integrationsinfrastruktur aussieht, die vor Ort dauerhaft trägt."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "WS 9",
        SessionKind.WORKSHOP,
        "#kommunalEngagiert: Ehrenamt vor Ort unterstützen",
        20,
        "09:00",
        "11:00",
        is_breakout=True,
        capacity=40,
        room="Seminarraum B",
        description=(
            "Ein Impuls zum Stand der kommunalen Engagementförderung, dann die Fragen: Was "
            "erwarten Ehrenamtliche von ihrer Kommune, warum lohnt es sich, darauf "
            "einzugehen, und wie arbeiten beide Seiten gut zusammen?"
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "V 2",
        SessionKind.TALK,
        "Das Kooperationsnetzwerk – Sicher Zusammenleben im BAMF",
        20,
        "09:00",
        "11:00",
        is_breakout=True,
        capacity=60,
        room="Seminarraum C",
        presenters=(
            "Kooperationsnetzwerk – Sicher Zusammenleben im BAMF (KoSiZu)\n"
            "MuJOs e. V. (Projekt „Gemeinsam Sicherheit schaffen“)"
        ),
        description=(
            "Seit 2008 bringt das Netzwerk muslimische und migrantische Gemeinschaften mit "
            "der Polizei ins Gespräch – in geschützten Runden, in denen die Anliegen vor Ort "
            "bestimmen, worüber gesprochen wird. Gemeinsam mit einem vom BAMF geförderten "
            "Projekt stellt es seine Arbeitsweise vor."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "V 3",
        SessionKind.TALK,
        "Das Demografieportal des Bundes und der Länder – Welche Angebote bietet es für die "
        "kommunale Demografiepolitik?",
        20,
        "09:00",
        "11:00",
        is_breakout=True,
        capacity=80,
        room="Saal 2",
        presenters="Demografieportal des Bundes und der Länder",
        description=(
            "Das Demografieportal sammelt Daten, Gesetzesvorhaben, Praxisbeispiele und "
            "Werkzeuge für alle, die den demografischen Wandel gestalten – auch für Kommunen. "
            "Der Vortrag zeigt, was Kommunen dort finden, und fragt, was das Portal künftig "
            "besser machen sollte.\n\n" + FOYER_BOOTH
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        "V 4",
        SessionKind.TALK,
        "DAVIPLAN – Tool zur Planung bedarfsgerechter und langfristig tragfähiger Strukturen "
        "der Daseinsvorsorge",
        20,
        "09:00",
        "11:00",
        is_breakout=True,
        capacity=60,
        room="Seminarraum D",
        description=(
            "Ein mit BMI-Förderung entwickeltes Werkzeug, mit dem Kommunen Standorte und "
            "Angebote der Daseinsvorsorge planen – von der Kita über Arztpraxen bis zur "
            "Feuerwehr. Es vergleicht Varianten nach künftiger Nachfrage, Versorgungsgrad, "
            "Aufwand und Erreichbarkeit."
        ),
        assumptions=PARALLEL,
    ),
    _kt(
        None,
        SessionKind.PLENARY,
        "Abschließende Podiumsdiskussion",
        20,
        "11:30",
        "13:00",
        room="Plenarsaal",
        presenters=(
            "Vertreterinnen und Vertreter aus Bundesregierung, Bundestag, kommunalen "
            "Spitzenverbänden und Wissenschaft"
        ),
        description="Zum Abschluss diskutiert ein Podium die Themen der beiden Tage.",
        assumptions=PLENARY_TIME,
    ),
]

DIALOGUE = (
    "Ablauf, Uhrzeit und Raum angenommen; die Unterlagen nennen nur den Rahmen 09:30–16:30 Uhr."
)


def _kk(kind, title, start, end, **extra) -> dict:
    return {
        "code": None,
        "kind": kind,
        "title": title,
        "starts_at": _at(14, start),
        "ends_at": _at(14, end),
        "room": extra.pop("room", "Großer Saal"),
        "assumptions": DIALOGUE,
        **extra,
    }


KOMMUNEN_KONSTRUKTIV_SESSIONS = [
    _kk(
        SessionKind.PLENARY,
        "Begrüßung",
        "09:30",
        "10:00",
        presenters=(
            "Bundesministerium des Innern und für Heimat\n"
            "Ministerium für Infrastruktur und Digitales Sachsen-Anhalt"
        ),
        description="Die Gastgeber eröffnen den Dialogtag und stellen das Programm vor.",
    ),
    _kk(
        SessionKind.PLENARY,
        "Impulse: Was Open Government für Kommunen leisten kann",
        "10:00",
        "11:30",
        presenters="Nationales E-Government Kompetenzzentrum (NEGZ)",
        description=(
            "Kurze Beiträge zu verschiedenen Seiten von Open Government: offene Daten, "
            "Beteiligung der Bürgerinnen und Bürger und neu organisierte Verwaltungsleistungen."
        ),
    ),
    _kk(
        SessionKind.WORKSHOP,
        "Erfahrungsaustausch in Gesprächsrunden",
        "11:30",
        "12:45",
        room="Seminarräume",
        description=(
            "In kleinen Runden berichten Teilnehmende aus ihren Kommunen und vernetzen sich."
        ),
    ),
    _kk(
        SessionKind.SOCIAL,
        "Mittagspause",
        "12:45",
        "13:45",
        room="Foyer",
        description="Imbiss und Gelegenheit zum Gespräch.",
    ),
    _kk(
        SessionKind.PLENARY,
        "Aus der Praxis: Lernerfahrungen kommunaler Umsetzungsprojekte",
        "13:45",
        "15:45",
        description=(
            "Kommunen zeigen, wie sie Open-Government-Vorhaben umgesetzt haben, was "
            "funktioniert hat und wo es gehakt hat."
        ),
    ),
    _kk(
        SessionKind.PLENARY,
        "Abschluss und Ausblick",
        "15:45",
        "16:30",
        description="Zusammenfassung des Tages und Hinweise, wie es weitergeht.",
    ),
]


def _account(label, local, name, role, event_slug, events, password_hash) -> tuple:
    email = f"{local}@{DEMO_DOMAIN}"
    user = User.get_or_none(User.email == email)
    if user is None:
        user = User.create(
            email=email, name=name, password_hash=password_hash(), email_confirmed_at=now()
        )
    event = events.get(event_slug)
    grant = RoleGrant.select().where(
        (RoleGrant.user == user)
        & (RoleGrant.role == role)
        & (RoleGrant.event.is_null() if event is None else RoleGrant.event == event)
    )
    if not grant.exists():
        try:
            with db.atomic():
                RoleGrant.create(user=user, role=role, event=event)
        except IntegrityError:
            pass  # created at the same moment by a parallel run
    return user, (label, email, DEMO_PASSWORD)


def _event(values: dict, *, actor) -> Event:
    event = Event.get_or_none(Event.slug == values["slug"])
    if event is None:
        event = services.create_event(actor=actor, **values)
    return event


def _sessions(event: Event, rows: list[dict], *, actor) -> None:
    """Create the sessions that are missing (by code, or by title without code), then links."""
    existing = list(Session.select().where(Session.event == event))
    by_code = {s.code: s for s in existing if s.code}
    by_title = {s.title: s for s in existing if not s.code}
    for row in rows:
        values = {k: v for k, v in row.items() if k != "requires"}
        index, key = (by_code, row["code"]) if row["code"] else (by_title, row["title"])
        if key not in index:
            index[key] = services.create_session(event, actor=actor, **values)
    # Links last: a session may require one that comes later in the list.
    for row in rows:
        required = by_code.get(row.get("requires"))
        session = by_code.get(row["code"])
        if required is not None and session.requires_id is None:
            services.update_session(session, actor=actor, requires=required)


def load_demo() -> list[tuple[str, str, str]]:
    """Create the demo events, programmes, deadlines and accounts; return the log-ins."""
    hashed = {}

    def password_hash():
        if "value" not in hashed:
            hashed["value"] = hash_password(DEMO_PASSWORD)
        return hashed["value"]

    with db.atomic():
        organiser = User.get_or_none(User.email == f"organisation@{DEMO_DOMAIN}")
        kommunaltagung = _event(KOMMUNALTAGUNG_EVENT, actor=organiser)
        dialogue = _event(KOMMUNEN_KONSTRUKTIV_EVENT, actor=organiser)
        events = {KOMMUNALTAGUNG: kommunaltagung, KOMMUNEN_KONSTRUKTIV: dialogue}
        accounts = []
        users = {}
        for label, local, name, role, event_slug in ACCOUNTS:
            user, login = _account(label, local, name, role, event_slug, events, password_hash)
            users[role] = user
            accounts.append(login)
        organiser = users[Role.ORGANISER]

        _sessions(kommunaltagung, KOMMUNALTAGUNG_SESSIONS, actor=organiser)
        _sessions(dialogue, KOMMUNEN_KONSTRUKTIV_SESSIONS, actor=organiser)
        # The Kommunaltagung gives municipal practitioners priority in the assignment.
        from portal.allocation.services import seed_demo_settings

        seed_demo_settings(kommunaltagung, actor=organiser)

        if services.get_deadline(kommunaltagung, DeadlineKind.REGISTRATION) is None:
            # Set twice so the history shows the extension from the invitation's date.
            services.set_deadline(
                kommunaltagung, DeadlineKind.REGISTRATION, datetime(2024, 10, 18, 23, 59)
            )
            services.set_deadline(
                kommunaltagung,
                DeadlineKind.REGISTRATION,
                datetime(2024, 10, 31, 23, 59),
                actor=organiser,
            )
        if services.get_deadline(dialogue, DeadlineKind.REGISTRATION) is None:
            # Assumed: the documents give no deadline for the dialogue day.
            services.set_deadline(
                dialogue, DeadlineKind.REGISTRATION, datetime(2024, 11, 7, 23, 59)
            )
    return accounts
