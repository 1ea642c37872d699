"""The foyer plan: booth places on a grid, and approved booths placed on them."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.events.models import Event
from portal.exhibitors import plan
from portal.exhibitors.models import Booth, BoothPlace, ExhibitionSettings
from portal.exhibitors.services.booths import (
    REQUIRED,
    BoothError,
    InvalidBooth,
    State,
    locked_booth,
)
from portal.exhibitors.services.decisions import ensure_settings
from portal.extensions import db
from portal.timeutil import now


class Placement(NamedTuple):
    booth: Booth
    place: BoothPlace | None
    power_warning: bool


PLACE_FIELDS = ("number", "label", "x", "y", "width", "height", "has_power")


def _clean_place(event, values: dict, place: BoothPlace | None) -> dict:
    """Check a place against the grid and the other places; raises InvalidBooth."""
    values = {k: v for k, v in values.items() if k in PLACE_FIELDS}
    values["label"] = (values.get("label") or "").strip()
    values["has_power"] = bool(values.get("has_power"))
    for name in ("width", "height"):
        if values.get(name) is None:
            values[name] = 1
    errors = {}
    for name in ("number", "x", "y", "width", "height"):
        if values.get(name) is None:
            errors[name] = REQUIRED
    if errors:
        raise InvalidBooth(errors)
    if values["number"] < 1:
        errors["number"] = _l("Die Nummer muss mindestens 1 sein.")
    rect = plan.Rect(values["x"], values["y"], values["width"], values["height"])
    outside = plan.out_of_bounds(rect)
    if outside in ("width", "height"):
        errors[outside] = _l("Ein Platz ist 1 bis %(max)d Felder groß.", max=plan.MAX_SIZE)
    elif outside:
        errors[outside] = _l(
            "Der Platz muss ganz auf dem Plan liegen (%(cols)d Spalten, %(rows)d Reihen).",
            cols=plan.GRID_COLUMNS,
            rows=plan.GRID_ROWS,
        )
    else:
        others = BoothPlace.select().where(BoothPlace.event == event)
        if place is not None:
            others = others.where(BoothPlace.id != place.id)
        rects = {p.number: plan.Rect(p.x, p.y, p.width, p.height) for p in others}
        hit = plan.first_overlap(rect, rects)
        if hit is not None:
            errors["x"] = _l("Der Platz überschneidet sich mit Platz %(number)s.", number=hit)
    if errors:
        raise InvalidBooth(errors)
    return values


def _number_taken() -> InvalidBooth:
    return InvalidBooth({"number": _l("Diese Platznummer ist bereits vergeben.")})


def create_place(event: Event, *, actor: User, **values) -> BoothPlace:
    """Add a place to the foyer plan; one more booth can then be approved."""
    values = _clean_place(event, values, None)
    ensure_settings(event)
    try:
        with db.atomic():
            place = BoothPlace.create(event=event, **values)
            ExhibitionSettings.update(places=ExhibitionSettings.places + 1).where(
                ExhibitionSettings.event == event
            ).execute()
            audit.record("booth_place.created", place, actor=actor, **values)
    except IntegrityError as exc:
        raise _number_taken() from exc
    return place


def update_place(place: BoothPlace, *, actor: User, **values) -> BoothPlace:
    """Change a place's number, label, position, size or socket."""
    current = {f: getattr(place, f) for f in PLACE_FIELDS}
    values = _clean_place(place.event_id, {**current, **values}, place)
    try:
        with db.atomic():
            BoothPlace.update(**values).where(BoothPlace.id == place.id).execute()
            audit.record("booth_place.updated", place, actor=actor, **values)
    except IntegrityError as exc:
        raise _number_taken() from exc
    return BoothPlace.get_by_id(place.id)


def delete_place(place: BoothPlace, *, actor: User) -> None:
    """Remove a free place; refused while a booth stands on it or all places are needed."""
    try:
        with db.atomic():
            model = ExhibitionSettings
            freed = (
                model.update(places=model.places - 1)
                .where((model.event == place.event_id) & (model.approved < model.places))
                .execute()
            )
            if not freed:
                raise BoothError(
                    _l(
                        "Jeder Platz wird für einen genehmigten Stand gebraucht. Setzen Sie "
                        "zuerst einen Stand auf die Warteliste, um einen Platz zu entfernen."
                    )
                )
            audit.record("booth_place.deleted", place, actor=actor, number=place.number)
            place.delete_instance()
    except IntegrityError as exc:
        raise BoothError(
            _l(
                "Auf %(place)s steht ein Stand. Weisen Sie ihm zuerst einen anderen Platz zu.",
                place=place.name,
            )
        ) from exc


def assign_place(booth: Booth, place: BoothPlace | None, *, actor: User) -> Placement:
    """Put an approved booth on a place (None: take it off the plan); one booth per place."""
    if place is not None and place.event_id != booth.event_id:
        raise BoothError(_l("Dieser Platz gehört nicht zu dieser Veranstaltung."))
    try:
        with db.atomic():
            current = locked_booth(booth.id)
            if current.state != State.APPROVED:
                raise BoothError(
                    _l(
                        "Nur genehmigte Stände können einen Platz erhalten. „%(organisation)s“ "
                        "ist %(state)s.",
                        organisation=current.organisation,
                        state=current.state_label,
                    )
                )
            Booth.update(place=place, updated_at=now()).where(Booth.id == booth.id).execute()
            audit.record(
                "booth.placed" if place else "booth.unplaced",
                current,
                actor=actor,
                place=getattr(place, "number", None),
            )
    except IntegrityError as exc:
        holder = Booth.get_or_none(Booth.place == place)
        raise BoothError(
            _l(
                "%(place)s ist bereits mit „%(organisation)s“ belegt. Ein Platz bietet Raum für "
                "genau einen Stand.",
                place=place.name,
                organisation=holder.organisation if holder else "?",
            )
        ) from exc
    booth.place = place
    warning = bool(place is not None and booth.needs_power and not place.has_power)
    return Placement(booth, place, warning)
