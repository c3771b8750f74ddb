"""Title, date and author read off the segments after the roles (steps/metadata.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import duckdb
import pytest

from newsnorm.document import Article, Segment
from newsnorm.runner.execute import RunConfig, execute
from newsnorm.steps.langid import detect_segments
from newsnorm.steps.metadata import author_from_line, date_from_line, extract_metadata, loose_byline
from newsnorm.steps.roles import assign_roles

PARAS = [
    "The city council voted on Tuesday to close the old harbour bridge to cars from next spring, after engineers "
    "found that the steel under its deck had rusted far faster than expected on 3 March 2017.",
    "Residents who cross the bridge every day said they feared longer trips to work, while shop owners on the "
    "harbour front welcomed the plan and asked for more space for walking and cycling.",
    "The council said buses and bicycles would still be allowed for at least two more years while a new crossing "
    "is designed, and that the repairs would be paid for from the regional transport budget.",
]
HEAD = "Council votes to close harbour bridge to cars next spring"


def _article(lines: list[str]) -> Article:
    segs = [Segment(i, i, t) for i, t in enumerate(lines)]
    detect_segments(segs)
    assign_roles(segs)
    article = Article("a", "a.txt", "0", segs)
    extract_metadata(article)
    return article


def test_the_header_gives_title_date_and_author():
    a = _article(["Home", "News", "Print Version", HEAD, "By JANE MILLER, Staff Writer",
                  "Updated Nov. 20, 2019 1:35 a.m. | Published Nov. 19, 2019", *PARAS])
    assert (a.title, a.author, a.published) == (HEAD, "Jane Miller", date(2019, 11, 19))


def test_a_date_in_the_text_or_a_comment_is_not_the_publication_date():
    comments = ["Comments", "Bob Smith says:", "November 21, 2019 at 8:00 am", "Great article, thanks.", "Reply"]
    a = _article(["Home", HEAD, *PARAS, *comments])
    assert a.published is None  # the text's 3 March 2017 is an event, the comment's date a comment's


def test_a_commenters_name_is_not_the_author():
    a = _article(["Home", HEAD, *PARAS, "Comments", "By Bob Smith on November 21, 2019", "Great article."])
    assert a.author is None


@pytest.mark.parametrize("text, want", [
    ("By TOM KRISHER, AP Auto Writer", "Tom Krisher"),
    ("By Meg JamesStaff Writer", "Meg James"),
    ("Posted by Michael David Smith on November 19, 2019, 6:21 AM EST", "Michael David Smith"),
    ("By Chris Pokorny@DawgsByNature Nov 18, 2019, 11:47am EST", "Chris Pokorny"),
    ("By Sean Martin Sean Martin", "Sean Martin"),
    ("By Lia Eustachewich and Yaron Steinbuch", "Lia Eustachewich and Yaron Steinbuch"),
    ("Von Moritz Bachmann publiziert am 25. September 2018", "Moritz Bachmann"),
    ("By The Numbers", None),
    ("Nov 18, 2019 at 9:24 pm ET", None),
])
def test_author_from_a_byline(text, want):
    assert author_from_line(text) == want


def test_a_stamped_byline_without_by():
    assert author_from_line("Lam Vy 09:41", stamped=True) == "Lam Vy"
    assert author_from_line("Nov 18, 2019 at 9:24 pm ET", stamped=True) is None


def test_posted_wins_over_updated_on_one_line():
    assert date_from_line("Updated Nov 20, 2019 9:41 AM; Posted Nov 18, 2019 8:19 PM") == date(2019, 11, 18)
    assert date_from_line("Updated 1:39 am EST, Wednesday, November 20, 2019") == date(2019, 11, 20)


def test_a_bare_by_over_the_name_and_a_name_over_its_date_line():
    a = _article(["Home", HEAD, "By", "SARAH E. NEEDLEMAN", "Nov. 19, 2019 8:03 am ET", *PARAS])
    assert (a.author, a.published) == ("Sarah E. Needleman", date(2019, 11, 19))
    a = _article(["Home", HEAD, "David Ehrlich", "Nov 13, 2019 4:26 pm", *PARAS])
    assert (a.author, a.published) == ("David Ehrlich", date(2019, 11, 13))


def test_a_section_over_a_date_line_is_not_a_name():
    a = _article(["Home", HEAD, "Los Angeles 2015: Nissan Sentra debuts", "Nov 13, 2019 4:26 pm", *PARAS])
    assert a.author is None


def test_glued_names_stay_whole():
    assert author_from_line("by Bryan DeArdo") == "Bryan DeArdo"
    assert author_from_line("By Sandee LaMotte, CNN") == "Sandee LaMotte"


def test_a_relative_date_is_counted_back_from_the_crawl_time():
    segs = [Segment(i, i, t) for i, t in enumerate(["Home", HEAD, "By Jane Miller | 2 hours ago", *PARAS])]
    detect_segments(segs)
    assign_roles(segs)
    crawled = Article("a", "a.txt", "0", segs, fetched_at=datetime(2019, 11, 20, 1, 30, tzinfo=UTC))
    extract_metadata(crawled)
    assert (crawled.author, crawled.published) == ("Jane Miller", date(2019, 11, 19))
    segs = [Segment(s.seq, s.seq, s.text) for s in segs]
    detect_segments(segs)
    assign_roles(segs)
    uncrawled = Article("b", "b.txt", "0", segs)
    extract_metadata(uncrawled)
    assert uncrawled.published is None  # never without a crawl time


def test_a_printed_date_wins_over_a_relative_one():
    a = _article(["Home", HEAD, "By Jane Miller | 2 hours ago", "Published Nov. 18, 2019", *PARAS])
    a.fetched_at = datetime(2019, 11, 20, 1, 30, tzinfo=UTC)
    extract_metadata(a)
    assert a.published == date(2019, 11, 18)


def test_relative_dates_in_a_run_use_each_records_crawl_time(tmp_path):
    """JSONL records with and without `fetched_at`, run for real and read back with DuckDB."""
    body = "\n\n".join([HEAD, "By Jane Miller | 3 days ago", *PARAS])
    rows = [{"id": "a", "text": body, "fetched_at": "2019-11-20T01:30:00Z"},
            {"id": "b", "text": body, "fetched_at": "2019-11-25T12:00:00+09:00"},
            {"id": "c", "text": body}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    execute(RunConfig(inputs=[str(tmp_path / "in.jsonl")], warehouse=str(tmp_path / "wh")))
    got = duckdb.sql(f"select source_record, published from read_parquet('{tmp_path}/wh/articles/**/*.parquet') "
                     "order by source_record").fetchall()
    assert [p for _, p in got] == [date(2019, 11, 17), date(2019, 11, 22), None]


@pytest.mark.parametrize("line, want", [
    ("Natasha Turak@NatashaTurak", "Natasha Turak"),  # a name with its handle
    ("Catherine Shu @catherineshu / 2 days", "Catherine Shu"),
    ("Tom Krisher, AP Auto Writer", "Tom Krisher"),  # a name with its job after a comma
    ("Mary Smith, film critic", "Mary Smith"),
    ("Monday November 18, 2019 7:45 am PST by Joe Rossignol", "Joe Rossignol"),  # a date line ending in its byline
    ("Al Goldis, Associated Press", None),  # a photo's credit as often as a byline
    ("Paris, France", None),
    ("Donald Trump, the president", None),
    ("Stocks rallied by 2% on Monday November 18, 2019 in New York", None),  # `by` before the date is no byline
])
def test_bylines_without_by_at_the_start(line, want):
    assert loose_byline(line) == want


def test_a_name_with_its_handle_under_the_headline_is_the_author():
    a = _article(["Home", HEAD, "Natasha Turak@NatashaTurak", "Published Nov. 19, 2019", *PARAS])
    assert (a.author, a.published) == ("Natasha Turak", date(2019, 11, 19))
