"""Blueprint of the devmail area."""

from flask import Blueprint

bp = Blueprint("devmail", __name__, url_prefix="/dev/mailbox")
