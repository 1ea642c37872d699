"""Exports of the registration list: CSV for German Excel and XLSX, safe against formulas.

A cell that starts with =, +, - or @ (or a tab or carriage return) would run as a formula
when the file is opened in a spreadsheet. CSV cells get a leading apostrophe; XLSX cells are
written as strings (write_string), which a spreadsheet never evaluates, so they keep the text.
"""

import csv
import io
from datetime import datetime

import xlsxwriter
from flask_babel import gettext as _

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix an apostrophe where a spreadsheet would read a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("ja") if value else _("nein")


def _when(value: datetime | None) -> str:
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


def columns() -> list[tuple[str, object]]:
    """(German header, value of a registration) for every exported column."""
    return [
        (_("Nr."), lambda r, p: r.id),
        (_("Status"), lambda r, p: r.state_label),
        (_("Wartelistenplatz"), lambda r, p: p.get(r.id, "")),
        (_("Anrede"), lambda r, p: {"ms": _("Frau"), "mr": _("Herr")}.get(r.salutation, "")),
        (_("Titel"), lambda r, p: r.academic_title),
        (_("Vorname"), lambda r, p: r.first_name),
        (_("Nachname"), lambda r, p: r.last_name),
        (_("Organisation"), lambda r, p: r.organisation),
        (_("Art der Organisation"), lambda r, p: r.organisation_type_label),
        (_("Funktion"), lambda r, p: r.function),
        (_("Bundesland"), lambda r, p: r.federal_state_label),
        (_("E-Mail"), lambda r, p: r.email),
        (_("Telefon"), lambda r, p: r.phone),
        (_("Tage"), lambda r, p: ", ".join(d.strftime("%d.%m.%Y") for d in r.day_list)),
        (_("Get-together"), lambda r, p: _yes_no(r.evening)),
        (_("Erstattungswunsch"), lambda r, p: _yes_no(r.wants_reimbursement)),
        (_("Ernährung"), lambda r, p: r.dietary_needs),
        (_("Barrierefreiheit"), lambda r, p: r.accessibility_needs),
        (_("Teilnehmendenliste"), lambda r, p: _yes_no(r.participant_list_consent_at is not None)),
        (_("Fotos"), lambda r, p: _yes_no(r.photo_consent_at is not None)),
        (_("Nachmeldung"), lambda r, p: _yes_no(r.is_late)),
        (_("Nachricht"), lambda r, p: r.decision_message),
        (_("Angemeldet am"), lambda r, p: _when(r.created_at)),
        (_("Geändert am"), lambda r, p: _when(r.updated_at)),
    ]


def table(registrations, positions: dict) -> tuple[list[str], list[list]]:
    """Headers and rows of plain values (int or str)."""
    cols = columns()
    headers = [header for header, _get in cols]
    rows = [[get(r, positions) for _header, get in cols] for r in registrations]
    return headers, rows


def to_csv(headers, rows) -> bytes:
    """Semicolon-separated UTF-8 with BOM: German Excel opens it with umlauts intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(headers, rows) -> bytes:
    """One sheet; every text cell is written as a string, never as a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_("Anmeldungen"))
    bold = workbook.add_format({"bold": True})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    for line, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(line, col, value)
            else:
                sheet.write_string(line, col, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    workbook.close()
    return buffer.getvalue()


def export(fmt: str, registrations, positions: dict) -> tuple[bytes, str]:
    """The file content and its media type."""
    headers, rows = table(registrations, positions)
    content = to_csv(headers, rows) if fmt == "csv" else to_xlsx(headers, rows)
    return content, FORMATS[fmt]
