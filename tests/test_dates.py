"""Dates in the forms news sites print them (steps/dates.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsnorm.steps.dates import find_dates, relative_date


@pytest.mark.parametrize("text, want", [
    ("16 January 2008 –", date(2008, 1, 16)),
    ("Jan. 16, 2008 12:41 PM ET", date(2008, 1, 16)),
    ("2008-01-16", date(2008, 1, 16)),
    ("Updated: 18 Nov 2019 9:38 pm", date(2019, 11, 18)),
    ("Published Wed, Nov 20 20194:29 AM EST", date(2019, 11, 20)),  # year glued to the time
    ("By Tess Bonn - 11/19/19 06:56 AM EST", date(2019, 11, 19)),
    ("21/06/2014 Tony Carter", date(2014, 6, 21)),
    ("21:17 18.11.2019Get short URL", date(2019, 11, 18)),
    ("기사입력 :[ 2018-08-25 15:24 ]", date(2018, 8, 25)),
    ("2018. 9. 28", date(2018, 9, 28)),
    ("sexta-feira, 22 de outubro de 2010 às 20:13", date(2010, 10, 22)),
    ("Von Moritz Bachmann publiziert am 25. September 2018", date(2018, 9, 25)),
    ("Текст: Венера Ерофеева·24 сентября 2018", date(2018, 9, 24)),
    ("Published November 20th, 2019 - 07:50 GMT", date(2019, 11, 20)),
])
def test_printed_dates(text, want):
    assert find_dates(text)[0][1] == want


@pytest.mark.parametrize("text", [
    "03/04/2019",  # day and month could be swapped: a wrong date is worse than none
    "Updated Nov 19, 9:41 AM",  # no year
    "Call 555-1234 today",
    "31/02/2019",  # no such day
    "June 5, 1850",  # outside the years news pages carry
])
def test_no_date_rather_than_a_guess(text):
    assert find_dates(text) == []


def test_dates_in_the_order_they_stand():
    found = find_dates("PUBLISHED: 00:01, Tue, Nov 19, 2019 | UPDATED: 10:43, Wed, Nov 20, 2019")
    assert [d for _, d in found] == [date(2019, 11, 19), date(2019, 11, 20)]


CRAWLED = datetime(2019, 11, 20, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("text, want", [
    ("2 hours ago", date(2019, 11, 19)),  # counted back across midnight of the crawl's UTC day
    ("By Jane Doe | 5 mins ago", date(2019, 11, 20)),
    ("an hour ago", date(2019, 11, 20)),
    ("3 days ago", date(2019, 11, 17)),
    ("Updated 12h ago", date(2019, 11, 19)),
    ("Yesterday at 3:15 p.m. ET", date(2019, 11, 19)),
    ("Updated: yesterday", date(2019, 11, 19)),
    ("Today 09:14", date(2019, 11, 20)),
    ("Cập nhật 2 giờ trước", date(2019, 11, 19)),
    ("3 ngày trước", date(2019, 11, 17)),
    ("Hôm qua lúc 10:30", date(2019, 11, 19)),
    ("입력 5시간 전", date(2019, 11, 19)),
    ("3일 전", date(2019, 11, 17)),
    ("어제 오후 3:00", date(2019, 11, 19)),
])
def test_relative_dates_count_back_from_the_crawl_time(text, want):
    assert relative_date(text, CRAWLED) == want


@pytest.mark.parametrize("text", [
    "3 weeks ago",  # rounded by the site: a date from it would be a guess
    "a month ago",
    "Today's paper",  # a menu label
    "Today",  # a bare day word is a menu label as often as a date
    "Yesterday, the council voted to close the road",  # a sentence
    "Police said the man left the house two days ago after a fight with his neighbour",
    "Posted 19 hours agoX",  # glued to other text: not a date form
])
def test_no_relative_date_rather_than_a_guess(text):
    assert relative_date(text, CRAWLED) is None


def test_no_relative_date_without_a_crawl_time():
    assert relative_date("2 hours ago", None) is None
    assert relative_date("Yesterday 10:45", None) is None
