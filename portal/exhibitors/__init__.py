"""Blueprint of the exhibitors area."""

from flask import Blueprint

bp = Blueprint("exhibitors", __name__)
