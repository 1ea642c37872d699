"""Pure rules: German amounts, car cap, hotel rate, reasons, totals in cents, dates."""

from datetime import date, datetime

import pytest

from portal.travel import rules


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12,50", 1250),
        ("12,5", 1250),
        ("12", 1200),
        ("0,01", 1),
        ("1.234,50", 123450),
        ("1.234", 123400),
        ("1.234.567,89", 123456789),
        ("12.50", 1250),
        ("  49,90 € ", 4990),
        ("49,90 EUR", 4990),
        ("1 234,50", 123450),
        ("0", 0),
        ("-5,00", -500),
    ],
)
def test_parse_cents_reads_german_input(text, cents):
    assert rules.parse_cents(text) == cents


@pytest.mark.parametrize(
    "text", ["", "abc", "12,345", "1.23.4", "12,", ",50", "1,2,3", "12e3", "--1"]
)
def test_parse_cents_refuses_garbage(text):
    with pytest.raises(ValueError):
        rules.parse_cents(text)


@pytest.mark.parametrize(("cents", "text"), [(0, "0,00"), (5, "0,05"), (123450, "1.234,50")])
def test_format_cents_is_the_inverse_of_parsing(cents, text):
    assert rules.format_cents(cents) == text
    assert rules.parse_cents(text) == cents


def test_car_cost_is_kilometres_times_rate():
    assert rules.car_cost(123, 20) == 2460


def test_car_amounts_below_cap_are_unchanged():
    assert rules.car_amounts([100, 150], 20, 13000) == [2000, 3000]


def test_car_amounts_are_capped_for_the_whole_journey():
    # 400 km + 400 km at 0,20 € = 160,00 €, capped at 130,00 € for the journey.
    assert rules.car_amounts([400, 400], 20, 13000) == [8000, 5000]
    assert sum(rules.car_amounts([400, 400], 20, 13000)) == 13000


def test_car_amounts_after_the_cap_are_zero():
    assert rules.car_amounts([700, 50], 20, 13000) == [13000, 0]


def test_car_amounts_with_a_configured_rate_and_cap():
    assert rules.car_amounts([300], 30, 5000) == [5000]


@pytest.mark.parametrize(
    ("amount", "nights", "above"),
    [(7000, 1, False), (7001, 1, True), (14000, 2, False), (14001, 2, True), (6000, 1, False)],
)
def test_hotel_above_rate_compares_the_price_per_night(amount, nights, above):
    assert rules.hotel_above_rate(amount, nights, 7000) is above


@pytest.mark.parametrize(
    ("kind", "kwargs", "needed"),
    [
        ("rail", {"rail_class": "second"}, False),
        ("rail", {"rail_class": "first"}, True),
        ("local", {}, False),
        ("taxi", {}, True),
        ("flight", {}, True),
        ("other", {}, True),
        ("car", {}, False),
        ("hotel", {"amount_cents": 7000, "nights": 1, "night_rate_cents": 7000}, False),
        ("hotel", {"amount_cents": 9000, "nights": 1, "night_rate_cents": 7000}, True),
    ],
)
def test_reason_required_by_kind(kind, kwargs, needed):
    assert rules.reason_required(kind, **kwargs) is needed


def test_receipt_required_for_everything_but_the_car():
    assert [
        k
        for k in ("rail", "local", "taxi", "flight", "car", "hotel", "other")
        if not rules.receipt_required(k)
    ] == ["car"]


def test_total_cents_adds_integers_exactly():
    # 0.1 + 0.2 != 0.3 in floating point; cents never drift.
    assert rules.total_cents([10, 20, None, 4990]) == 5020
    assert rules.total_cents([1] * 1000) == 1000


def test_is_partial_when_any_item_is_cut():
    assert rules.is_partial([(1000, 1000), (500, 400)]) is True
    assert rules.is_partial([(1000, 1000), (500, 500)]) is False


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (date(2024, 11, 20), 6, date(2025, 5, 20)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, result):
    assert rules.add_months(day, months) == result


def test_default_deadline_is_six_months_after_the_end():
    assert rules.default_deadline(date(2024, 11, 20)) == datetime(2025, 5, 20, 23, 59, 59)


@pytest.mark.parametrize(
    ("day", "near"),
    [
        (date(2024, 11, 16), True),
        (date(2024, 11, 15), False),
        (date(2024, 11, 23), True),
        (date(2024, 11, 24), False),
        (date(2023, 11, 19), False),
    ],
)
def test_near_event_allows_three_days_around(day, near):
    assert rules.near_event(day, date(2024, 11, 19), date(2024, 11, 20)) is near
