"""Blueprint of the registration area."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from portal.registration import views  # noqa: E402,F401
