"""Session allocation (issue 5): the organisers' workflow around the pure optimiser.

The optimiser lives in `solver` and its checks in `validate` (no Flask, no peewee); run it on
a JSON instance with `python -m portal.allocation solve INSTANCE.json [-o RESULT.json]`.
Runs, pins, publication, reassignments, seat offers and game tables live in `services`.
"""

from flask import Blueprint

bp = Blueprint("allocation", __name__)
