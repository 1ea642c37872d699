"""Event registration: form, self-service and the organisers' list."""

from portal.registration import bp  # noqa: F401
