"""Blueprint of the backoffice area."""

from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/organisation")
