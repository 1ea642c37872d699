"""Session allocation (issue 5): the pure optimiser lives in `solver`, its checks in `validate`.

Run it on a JSON instance with `python -m portal.allocation solve INSTANCE.json [-o RESULT.json]`.
"""
