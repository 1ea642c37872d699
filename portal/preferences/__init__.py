"""Blueprint of the preferences area."""

from flask import Blueprint

bp = Blueprint("preferences", __name__)
