"""Dates named in a question ('this week', 'in March 2017', 'yesterday') as a date range."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))


@dataclass(frozen=True)
class Period:
    """An inclusive date range named in a question, and the words that named it."""

    since: date
    until: date
    phrase: str


def parse_day(value: str | None, label: str) -> date | None:
    """A date typed by a person (YYYY-MM-DD), None when empty; the error names where it was typed."""
    from index.errors import NewsqaError

    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise NewsqaError(f"{label} {value!r} is not a date: use YYYY-MM-DD") from None


def month_range(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def find_period(question: str, today: date) -> Period | None:
    """The first period the question names, relative to `today` where it is relative."""
    q = question.lower()
    rules: list[tuple[str, object]] = [
        (r"\btoday\b", lambda m: (today, today)),
        (r"\byesterday\b", lambda m: (today - timedelta(1), today - timedelta(1))),
        (r"\bthis week\b", lambda m: (today - timedelta(today.weekday()), today)),
        (r"\b(?:last|past) week\b", lambda m: (today - timedelta(today.weekday() + 7), today - timedelta(today.weekday() + 1))),
        (r"\b(?:last|past) (\d{1,3}) days\b", lambda m: (today - timedelta(int(m[1])), today)),
        (r"\bthis month\b", lambda m: (today.replace(day=1), today)),
        (r"\b(?:last|past) month\b", lambda m: month_range(*_prev_month(today))),
        (r"\bthis year\b", lambda m: (date(today.year, 1, 1), today)),
        (r"\blast year\b", lambda m: (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))),
        (rf"\b({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b",
         lambda m: (_day(int(m[3]), MONTHS[m[1]], int(m[2])),) * 2),
        (rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})\.?,? (\d{{4}})\b",
         lambda m: (_day(int(m[3]), MONTHS[m[2]], int(m[1])),) * 2),
        (r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m: (_day(int(m[1]), int(m[2]), int(m[3])),) * 2),
        (rf"\b({_MONTH})\.?,? (?:of )?(\d{{4}})\b", lambda m: month_range(int(m[2]), MONTHS[m[1]])),
        (r"\b(?:in|during|of|from) (\d{4})\b", lambda m: (date(int(m[1]), 1, 1), date(int(m[1]), 12, 31))),
    ]
    for pattern, to_range in rules:
        if m := re.search(pattern, q):
            try:
                since, until = to_range(m)  # type: ignore[operator]
            except ValueError:
                continue  # "February 30, 2017"
            return Period(since, until, question[m.start():m.end()])
    return None


def _prev_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def _day(year: int, month: int, day: int) -> date:
    return date(year, month, day)
