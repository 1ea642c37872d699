"""CSV of all rankings for German spreadsheets: semicolons, UTF-8 with BOM, no formulas.

A cell that starts with =, +, - or @ (or a tab or carriage return) would run as a formula when
the file is opened in a spreadsheet, so such cells get a leading apostrophe.
"""

import csv
import io

from flask_babel import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, with an apostrophe where a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [
        _("Anmeldung Nr."),
        _("Nachname"),
        _("Vorname"),
        _("Organisation"),
        _("E-Mail"),
        _("Status"),
        _("Zeitfenster"),
        _("Rang"),
        _("Kürzel"),
        _("Session"),
    ]


def rankings_csv(rows) -> bytes:
    """Rows of services.export_rows as CSV bytes."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header())
    for reg_id, last, first, organisation, email, state, start, rank, code, title in rows:
        if rank is None:
            title = _("keine Session in diesem Zeitfenster")
        writer.writerow(
            [
                reg_id,
                neutralise(last),
                neutralise(first),
                neutralise(organisation),
                neutralise(email),
                neutralise(state),
                start.strftime("%d.%m.%Y %H:%M"),
                "" if rank is None else rank,
                neutralise(code),
                neutralise(title),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
