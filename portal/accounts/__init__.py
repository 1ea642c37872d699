"""Blueprint of the accounts area."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/konto")

from portal.accounts import views  # noqa: E402,F401
