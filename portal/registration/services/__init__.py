"""Registration services: every write, state change, multi-row query and mail of the area.

Capacity is exact under concurrency: a seat is taken by a conditional UPDATE of the event's
`taken` counter (`seats.take_seat`) inside the transaction that records the registration, and a
unique index on (event, user) turns a double submit into the existing registration. Every state
change writes an audit entry and queues its mail in the same transaction.

rules      the registration window, editing and cancelling, valid values, the errors
seats      per-event settings, the capacity guard and its invariant, the waitlist move-up
lifecycle  register (also late), edit, cancel, approve or reject, erase sensitive data
notify     the mails of each state
reading    waitlist places, the attendee's list, the organisers' search and counts
pages      what each page needs, in one call per view
"""

from portal.registration.models import RegistrationState as State
from portal.registration.services.lifecycle import (
    add_late_registration,
    cancel_registration,
    decide_registration,
    purge_sensitive,
    register,
    update_registration,
)
from portal.registration.services.pages import (
    calendar_entry,
    confirmation_pdf,
    edit_page,
    organiser_overview,
    registration_page,
    settings_page,
    waitlist_position,
)
from portal.registration.services.reading import (
    Filters,
    cta_for,
    day_times,
    get_event,
    get_event_for_registration,
    get_event_registration,
    get_own_registration,
    my_registrations,
    prefill_for,
    registration_of,
    search_registrations,
    state_counts,
    waitlist_positions,
)
from portal.registration.services.rules import (
    InvalidRegistration,
    RegistrationClosed,
    RegistrationError,
    RegistrationUnavailable,
    Window,
    WindowState,
    can_cancel,
    can_edit,
    clean_values,
    event_start,
    registration_window,
)
from portal.registration.services.seats import (
    capacity_violations,
    ensure_settings,
    promote_waitlisted,
    settings_for,
    take_seat,
    update_settings,
)

__all__ = [
    "Filters",
    "InvalidRegistration",
    "RegistrationClosed",
    "RegistrationError",
    "RegistrationUnavailable",
    "State",
    "Window",
    "WindowState",
    "add_late_registration",
    "calendar_entry",
    "can_cancel",
    "can_edit",
    "cancel_registration",
    "capacity_violations",
    "clean_values",
    "confirmation_pdf",
    "cta_for",
    "day_times",
    "decide_registration",
    "edit_page",
    "ensure_settings",
    "event_start",
    "get_event",
    "get_event_for_registration",
    "get_event_registration",
    "get_own_registration",
    "my_registrations",
    "organiser_overview",
    "prefill_for",
    "promote_waitlisted",
    "purge_sensitive",
    "register",
    "registration_of",
    "registration_page",
    "registration_window",
    "search_registrations",
    "settings_for",
    "settings_page",
    "state_counts",
    "take_seat",
    "update_registration",
    "update_settings",
    "waitlist_position",
    "waitlist_positions",
]
