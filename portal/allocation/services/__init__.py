"""Allocation services: every write, state change, multi-row query and mail of the area.

instance  the solver instance from the database (six queries), readable ids, forbids
settings  the target group's priority, offer hours, the preference deadline
pins      the organisers' pins and forbids
runs      dry runs (after the preference deadline or with a reason), their rank profile
          and difference, publication
live      after publication: reassignment, cancellation (hook), late registrants (hook)
offers    freed seats offered by link, accepted, declined or expired; the cascade
tokens    the signed offer links
tables    game tables, one moderator per table, what a moderator sees
pages     what each page needs, and the attendees' published seats
trail     the audit trail of one event in German words
Every change is audit-recorded on its event (action "allocation.*") with who and what.
"""

from portal.allocation.services.common import AllocationError, get_event, published_run
from portal.allocation.services.instance import Built, build_instance, settings_for
from portal.allocation.services.live import (
    on_registration_cancelled,
    on_registration_confirmed,
    place_all_late,
    place_late,
    reassign,
)
from portal.allocation.services.offers import (
    OfferClosed,
    refresh_all_offers,
    refresh_offers,
    respond_to_offer,
)
from portal.allocation.services.pages import (
    assignments_of_user,
    calendar_for,
    get_run,
    live_page,
    my_assignments,
    offer_page,
    overview_page,
    pins_page,
    publish_page,
    run_page,
)
from portal.allocation.services.pins import add_pin, remove_pin
from portal.allocation.services.runs import compare_runs, publish_run, rank_name, run_allocation
from portal.allocation.services.settings import (
    ensure_settings,
    seed_demo_settings,
    update_settings,
)
from portal.allocation.services.tables import (
    assign_moderators,
    moderator_table,
    moderator_tables,
    moderators_of,
    run_tables,
    set_table_moderator,
)
from portal.allocation.services.tokens import load_offer, make_token
from portal.allocation.services.trail import audit_page

__all__ = [
    "AllocationError",
    "Built",
    "OfferClosed",
    "add_pin",
    "assign_moderators",
    "assignments_of_user",
    "audit_page",
    "build_instance",
    "calendar_for",
    "compare_runs",
    "ensure_settings",
    "get_event",
    "get_run",
    "live_page",
    "load_offer",
    "make_token",
    "moderator_table",
    "moderator_tables",
    "moderators_of",
    "my_assignments",
    "offer_page",
    "on_registration_cancelled",
    "on_registration_confirmed",
    "overview_page",
    "pins_page",
    "place_all_late",
    "place_late",
    "publish_page",
    "publish_run",
    "published_run",
    "rank_name",
    "reassign",
    "refresh_all_offers",
    "refresh_offers",
    "remove_pin",
    "respond_to_offer",
    "run_allocation",
    "run_page",
    "run_tables",
    "seed_demo_settings",
    "set_table_moderator",
    "settings_for",
    "update_settings",
]
