"""Payment files: a SEPA credit transfer (pain.001.001.09) and the cash office's list.

The SEPA file is built by sepaxml and validated against the XSD that sepaxml ships; names and
remittance texts are reduced to the SEPA character set first. The list for the cash office is
CSV (semicolon, UTF-8 with BOM, for German Excel) or XLSX; text cells that a spreadsheet
would run as a formula are neutralised (CSV) or written as plain strings (XLSX).
"""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import sepaxml
import xlsxwriter
from flask_babel import gettext as _
from sepaxml import SepaTransfer
from text_unidecode import unidecode

SCHEMA = "pain.001.001.09"
XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
NAMESPACE = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}
NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
QUOTES = str.maketrans("", "", '„“”‚‘’"«»')
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class SepaInvalid(ValueError):
    """The generated file does not match the schema (a bug or an impossible value)."""


class Debtor(NamedTuple):
    name: str
    iban: str
    bic: str


class Payment(NamedTuple):
    claim_number: str
    name: str  # account holder
    iban: str
    bic: str
    amount_cents: int
    end_to_end_id: str
    remittance: str
    attendee: str = ""  # name as registered
    organisation: str = ""


def sepa_text(text: str, limit: int) -> str:
    """Text in the SEPA character set (umlauts transliterated), at most `limit` characters."""
    cleaned = NOT_SEPA.sub(" ", unidecode((text or "").translate(QUOTES)))
    return " ".join(cleaned.split())[:limit]


def remittance(event_title: str, claim_number: str) -> str:
    """'Reisekosten <event> <claim no.>' in 140 characters; the title is shortened, never the no."""
    suffix = f" {claim_number}"
    head = sepa_text(f"Reisekosten {event_title}", 140 - len(suffix))
    return head + suffix


@lru_cache(maxsize=1)
def _schema():
    import xmlschema  # imported late: it patches ElementTree on import (as sepaxml notes)

    return xmlschema.XMLSchema(str(XSD))


def validate(xml: bytes) -> None:
    """Raise SepaInvalid unless `xml` is valid pain.001.001.09."""
    import xmlschema

    try:
        _schema().validate(xml.decode("utf-8"))
    except xmlschema.XMLSchemaValidationError as exc:
        raise SepaInvalid(str(exc.reason or exc)) from exc


def sepa_transfer(debtor: Debtor, payments: list[Payment], execution_date: date):
    """The validated SEPA file (bytes) and its message id; one transaction per payment."""
    config = {
        "name": sepa_text(debtor.name, 70),
        "IBAN": debtor.iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    for payment in payments:
        entry = {
            "name": sepa_text(payment.name, 70),
            "IBAN": payment.iban,
            "amount": payment.amount_cents,
            "execution_date": execution_date,
            "description": payment.remittance,
            "endtoend_id": payment.end_to_end_id,
        }
        if payment.bic:
            entry["BIC"] = payment.bic
        transfer.add_payment(entry)
    xml = transfer.export(validate=False)
    validate(xml)
    return xml, transfer.msg_id


class SepaTransaction(NamedTuple):
    end_to_end_id: str
    name: str
    iban: str
    bic: str
    amount_cents: int
    remittance: str


class SepaSummary(NamedTuple):
    message_id: str
    count: int
    control_sum_cents: int
    debtor_iban: str
    execution_date: str
    transactions: list[SepaTransaction]


def _cents(text: str) -> int:
    whole, _sep, fraction = text.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def read_sepa(xml: bytes) -> SepaSummary:
    """Read a pain.001.001.09 file back: header figures and every transaction."""
    root = ET.fromstring(xml)
    ns = NAMESPACE

    def text(node, path):
        found = node.find(path, ns)
        return found.text if found is not None and found.text is not None else ""

    transactions = [
        SepaTransaction(
            text(tx, "p:PmtId/p:EndToEndId"),
            text(tx, "p:Cdtr/p:Nm"),
            text(tx, "p:CdtrAcct/p:Id/p:IBAN"),
            text(tx, "p:CdtrAgt/p:FinInstnId/p:BICFI"),
            _cents(text(tx, "p:Amt/p:InstdAmt")),
            text(tx, "p:RmtInf/p:Ustrd"),
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", ns)
    ]
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    return SepaSummary(
        text(header, "p:MsgId"),
        int(text(header, "p:NbOfTxs") or 0),
        _cents(text(header, "p:CtrlSum") or "0"),
        text(root, ".//p:DbtrAcct/p:Id/p:IBAN"),
        text(root, ".//p:ReqdExctnDt/p:Dt"),
        transactions,
    )


# --- the cash office's list ---------------------------------------------------------------


def neutralise(value: str) -> str:
    """Prefix an apostrophe where a spreadsheet would read a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def euro_text(cents: int) -> str:
    """'1234,50': German decimal comma, no thousands separator (easy to re-import)."""
    return f"{cents // 100},{cents % 100:02d}"


def headers() -> list[str]:
    return [
        _("Nr."),
        _("Antrag"),
        _("Kontoinhaber/in"),
        _("IBAN"),
        _("BIC"),
        _("Betrag (EUR)"),
        _("Verwendungszweck"),
        _("Ende-zu-Ende-Referenz"),
        _("Ausführungsdatum"),
        _("Name laut Anmeldung"),
        _("Organisation"),
    ]


def _row(number: int, p: Payment, execution_date: date) -> list:
    return [
        number,
        p.claim_number,
        p.name,
        p.iban,
        p.bic,
        p.amount_cents,
        p.remittance,
        p.end_to_end_id,
        execution_date.strftime("%d.%m.%Y"),
        p.attendee,
        p.organisation,
    ]


AMOUNT_COLUMN = 5


def to_csv(payments: list[Payment], execution_date: date) -> bytes:
    """Semicolon-separated UTF-8 with BOM, amounts as '1234,50'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers())
    for number, payment in enumerate(payments, start=1):
        row = _row(number, payment, execution_date)
        row[AMOUNT_COLUMN] = euro_text(payment.amount_cents)
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(payments: list[Payment], execution_date: date) -> bytes:
    """One sheet with a sum row; text as strings, amounts as numbers in euro format."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_("Auszahlungen"))
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
    for col, header in enumerate(headers()):
        sheet.write_string(0, col, header, bold)
    line = 0
    for line, payment in enumerate(payments, start=1):
        for col, value in enumerate(_row(line, payment, execution_date)):
            if col == AMOUNT_COLUMN:
                sheet.write_number(line, col, value / 100, money)
            elif isinstance(value, int):
                sheet.write_number(line, col, value)
            else:
                sheet.write_string(line, col, value)
    total = sum(p.amount_cents for p in payments)
    sheet.write_string(line + 1, AMOUNT_COLUMN - 1, _("Summe"), bold)
    sheet.write_number(line + 1, AMOUNT_COLUMN, total / 100, money_bold)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
