"""Dates in the forms news sites print them, read from one line of text.

`16 January 2008 –`, `Jan. 16, 2008 12:41 PM ET`, `2008-01-16`, `Wednesday 20 Nov 2019`,
`Nov 20 20194:29 AM` (a year glued to the time), `11/19/19`, `18.11.2019`, `2018. 9. 28`,
`sexta-feira, 22 de outubro de 2010`, `24 сентября 2018`. A numeric date whose day and month
could be swapped (`03/04/2019`) is not read: a wrong date is worse than none. Relative
dates (`2 hours ago`, `yesterday`, `3 ngày trước`, `5시간 전`) are counted back from the
record's crawl time, and never read without one. Part of the metadata step; month names and
relative forms are data in patterns.MONTH_NAMES / RELATIVE_FORMS.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from newsnorm.steps.patterns import (
    COMPILED,
    MONTH_NAMES,
    PUBLISHED_LABEL,
    RELATIVE_DAYS,
    RELATIVE_LINE_WORDS,
    RELATIVE_NUMBER_WORDS,
    RELATIVE_UNITS,
    UPDATED_LABEL,
)
from newsnorm.steps.text import words

MIN_YEAR, MAX_YEAR = 1990, 2100


def _months() -> dict[str, int]:
    out: dict[str, int] = {}
    for rows in MONTH_NAMES.values():
        for row in rows:
            for number, name in enumerate(row.split(), start=1):
                if name != "-":
                    out.setdefault(name, number)
    return out


MONTHS = _months()
_MONTH = "(?P<month>" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>\d{4})(?=\D|\d{1,2}:\d{2}|$)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|\.)?"
_FORMS = [
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<![\d.])(?P<year>\d{4})[./]\s?(?P<mon>\d{1,2})[./]\s?(?P<day>\d{1,2})(?![\d])"),
    re.compile(_MONTH + r"\s" + _DAY + r",?\s" + _YEAR, re.IGNORECASE),
    re.compile(r"(?<!\d)" + _DAY + r"\s(?:de\s)?" + _MONTH + r",?\s(?:de\s)?" + _YEAR, re.IGNORECASE),
]
_NUMERIC = re.compile(r"(?<![\d./])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/])")


def _make(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date in the line with its position, in the order they stand."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, d: date | None) -> None:
        if d is not None and not any(s < end and start < e for s, e in taken):
            found.append((start, d))
            taken.append((start, end))

    for form in _FORMS:
        for m in form.finditer(text):
            g = m.groupdict()
            month = int(g["mon"]) if g.get("mon") else MONTHS[g["month"].lower().rstrip(".")]
            add(m.start(), m.end(), _make(int(g["year"]), month, int(g["day"])))
    for m in _NUMERIC.finditer(text):
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("year"))
        year += 2000 if year < 100 else 0
        if m.group("sep") == "." or a > 12 >= b:  # 18.11.2019: day first
            day, month = a, b
        elif b > 12 >= a:  # 11/19/19
            day, month = b, a
        else:
            continue  # 03/04/2019: either way round
        add(m.start(), m.end(), _make(year, month, day))
    return sorted(found)


# What may stand before a day word: nothing, or a date label (`Updated: yesterday`).
_LABEL_ONLY = re.compile(r"^\W*(?:" + PUBLISHED_LABEL + "|" + UPDATED_LABEL + r")?\W*(?:on|at)?\W*$", re.IGNORECASE)
# What may stand after it: nothing, or a time (`Yesterday 10:45 AM EST`, `어제 오후 3:00`).
_TIME_ONLY = re.compile(
    r"^\W*(?:at\s+|lúc\s+|(?:오전|오후)\s*)?(?:\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\W*$",
    re.IGNORECASE)


def relative_date(text: str, fetched_at: datetime | None) -> date | None:
    """The day a short date line's relative date names, counted back from the crawl time
    (`2 hours ago` crawled 2019-11-20 01:00 UTC is 2019-11-19). None without a crawl time,
    on a line longer than a date line (a sentence's `two days ago` is an event's), and for
    a day word (`today`, `어제`) unless a date label stands before it or a time after it, and
    nothing else does (`Today's paper` is a menu label)."""
    if fetched_at is None or words(text) > RELATIVE_LINE_WORDS:
        return None
    for form in COMPILED["relative_date"]:
        m = form.search(text)
        if m:
            n_text = m.group("n").lower()
            n = int(n_text) if n_text.isdigit() else RELATIVE_NUMBER_WORDS[n_text]
            return (fetched_at - timedelta(**{RELATIVE_UNITS[m.group("unit").lower()]: n})).date()
    m = COMPILED["relative_day"].search(text)
    if m is None:
        return None
    before, after = _LABEL_ONLY.match(text[: m.start()]), _TIME_ONLY.match(text[m.end() :])
    if before and after and (before.group().strip(" \t:|·-") or any(c.isdigit() for c in after.group())):
        return fetched_at.date() - timedelta(days=RELATIVE_DAYS[m.group("day").lower()])
    return None
