"""Blueprint of the speakers area."""

from flask import Blueprint

bp = Blueprint("speakers", __name__)
