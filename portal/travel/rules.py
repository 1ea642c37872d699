"""Pure computations of the reimbursement rules: money in cents, car cap, hotel rate, dates.

No Flask, no database: every function takes plain values and returns plain values.
"""

import calendar
import re
from datetime import date, datetime, timedelta

# Federal travel expenses act: a claim must be made within six months after the journey.
CLAIM_MONTHS = 6
# Journey and cost dates may lie this many days before the start or after the end.
DATE_SLACK_DAYS = 3
# Kinds that always need a reason (rail needs one only for 1st class, hotel above the rate).
ALWAYS_REASON = frozenset({"taxi", "flight", "other"})
# A car journey is proven by the kilometres, every other cost by receipts.
NO_RECEIPT = frozenset({"car"})

_AMOUNT = re.compile(
    r"""^(?P<sign>[-+]?)\s*
    (?:
        (?P<grouped>\d{1,3}(?:\.\d{3})+)      # 1.234 or 1.234.567 (German thousands)
      | (?P<plain>\d+)                        # 1234
    )
    (?:,(?P<cents>\d{1,2}))?$                 # ,5 or ,50
    """,
    re.VERBOSE,
)
_DOT_DECIMAL = re.compile(r"^(?P<sign>[-+]?)\s*(?P<plain>\d+)\.(?P<cents>\d{1,2})$")


def parse_cents(text: str) -> int:
    """German money input to cents: "12,50" -> 1250, "1.234,50" -> 123450, "12" -> 1200.

    A single dot followed by one or two digits ("12.50") is read as a decimal point, since
    nobody writes thousands that way; "1.234" is one thousand two hundred and thirty-four.
    A euro sign and spaces are ignored. Raises ValueError for anything else.
    """
    cleaned = (text or "").replace("€", "").replace("EUR", "").replace("\u00a0", " ").strip()
    cleaned = cleaned.replace(" ", "")
    match = _AMOUNT.match(cleaned) or _DOT_DECIMAL.match(cleaned)
    if match is None:
        raise ValueError(f"not an amount: {text!r}")
    groups = match.groupdict()
    whole = (groups.get("grouped") or groups.get("plain") or "0").replace(".", "")
    cents = (groups.get("cents") or "").ljust(2, "0")
    value = int(whole) * 100 + int(cents or "0")
    return -value if groups["sign"] == "-" else value


def format_cents(cents: int) -> str:
    """Cents as German input text: 123450 -> "1.234,50" (for pre-filled form fields)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", ".") + f",{rest:02d}"


def car_cost(kilometres: int, rate_cents: int) -> int:
    """Kilometres times the rate per kilometre, before the cap."""
    return kilometres * rate_cents


def car_amounts(kilometres: list[int], rate_cents: int, cap_cents: int) -> list[int]:
    """The amount of each car item in order; together they never exceed the journey's cap."""
    remaining = cap_cents
    amounts = []
    for km in kilometres:
        amount = min(car_cost(km, rate_cents), max(remaining, 0))
        amounts.append(amount)
        remaining -= amount
    return amounts


def hotel_above_rate(amount_cents: int, nights: int, night_rate_cents: int) -> bool:
    """True when the price per night exceeds the rate: a justification is needed."""
    return amount_cents > nights * night_rate_cents


def reason_required(
    kind: str,
    *,
    rail_class: str | None = None,
    amount_cents: int = 0,
    nights: int | None = None,
    night_rate_cents: int = 0,
) -> bool:
    """Whether an item of this kind needs a reason or justification."""
    if kind in ALWAYS_REASON:
        return True
    if kind == "rail":
        return rail_class == "first"
    if kind == "hotel":
        return hotel_above_rate(amount_cents, nights or 1, night_rate_cents)
    return False


def receipt_required(kind: str) -> bool:
    return kind not in NO_RECEIPT


def total_cents(amounts) -> int:
    """The sum of integer cent amounts (None counts as zero)."""
    return sum(a or 0 for a in amounts)


def is_partial(pairs) -> bool:
    """(claimed, approved) pairs: True when any item is approved below its claim."""
    return any(approved < claimed for claimed, approved in pairs)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31.8. + 6 -> 28./29.2.)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_deadline(ends_on: date) -> datetime:
    """23:59:59 on the day six months after the event's last day."""
    last = add_months(ends_on, CLAIM_MONTHS)
    return datetime(last.year, last.month, last.day, 23, 59, 59)


def near_event(day: date, starts_on: date, ends_on: date, slack: int = DATE_SLACK_DAYS) -> bool:
    """True when `day` lies within the event's days widened by `slack` days on each side."""
    return starts_on - timedelta(days=slack) <= day <= ends_on + timedelta(days=slack)
