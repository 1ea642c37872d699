"""Sensitive data (dietary and accessibility needs) is erased once the event has ended."""

from datetime import date, datetime

from portal.audit import AuditEntry
from portal.registration import services
from portal.registration.models import Registration


def sensitive(registration_id) -> tuple:
    row = Registration.get_by_id(registration_id)
    return row.dietary_needs, row.accessibility_needs, row.sensitive_consent_at


def test_purge_erases_only_events_that_ended(app, open_event, register_user, frozen):
    ended = open_event(starts_on=date(2024, 11, 14), ends_on=date(2024, 11, 14))
    running = open_event(starts_on=date(2024, 11, 19), ends_on=date(2024, 11, 20))
    old = register_user(ended, dietary_needs="vegan", sensitive_consent=True)
    other = register_user(running, accessibility_needs="Rampe", sensitive_consent=True)
    at = datetime(2024, 11, 20, 23, 0)

    assert services.purge_sensitive(at) == 1
    assert sensitive(old.id) == ("", "", None)
    assert Registration.get_by_id(old.id).sensitive_erased_at == at
    assert Registration.get_by_id(old.id).organisation == "Landkreis Harz"  # the rest stays
    assert sensitive(other.id)[1] == "Rampe"
    assert AuditEntry.get(AuditEntry.action == "registration.sensitive_purged").details == (
        '{"count": 1}'
    )
    assert services.purge_sensitive(at) == 0


def test_purge_command_erases_after_the_event(app, runner, open_event, register_user, frozen):
    event = open_event()
    registration = register_user(event, dietary_needs="glutenfrei", sensitive_consent=True)
    frozen(datetime(2024, 11, 21, 0, 0))
    result = runner.invoke(args=["registration", "purge-sensitive"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sensible Angaben gelöscht: 1 Anmeldung(en).\n"
    assert sensitive(registration.id) == ("", "", None)


def test_purge_command_keeps_data_on_the_last_day(app, runner, open_event, register_user, frozen):
    event = open_event()
    registration = register_user(event, dietary_needs="glutenfrei", sensitive_consent=True)
    frozen(datetime(2024, 11, 20, 23, 59))
    result = runner.invoke(args=["registration", "purge-sensitive"])
    assert result.output == "Sensible Angaben gelöscht: 0 Anmeldung(en).\n"
    assert sensitive(registration.id)[0] == "glutenfrei"
