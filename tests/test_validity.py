"""The one in-force rule (desktop/validity.py) that documents and measures share."""

import datetime as dt

import pytest

from desktop.validity import window_status


@pytest.mark.parametrize(
    ("start", "end", "day", "expected"),
    [
        ("2022-06-01", None, "2022-05-31", "not_yet"),
        ("2022-06-01", None, "2022-06-01", "in_force"),  # the day it takes effect counts
        (None, "2022-12-31", "2022-12-31", "in_force"),  # so does the last day of the period
        (None, "2022-12-31", "2023-01-01", "expired"),
        ("2021-01-01", "2025-12-31", "2023-07-01", "in_force"),
        (None, None, "2023-07-01", "unstated"),
    ],
)
def test_window_status(start, end, day, expected):
    assert window_status(start, end, day) == expected
    assert window_status(start, end, dt.date.fromisoformat(day)) == expected
