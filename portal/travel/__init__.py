"""Blueprint of the travel area."""

from flask import Blueprint

bp = Blueprint("travel", __name__)
