"""HTML pages: charset decisions, lines by block structure with hints, page evidence, markup roles."""

from __future__ import annotations

import codecs
from pathlib import Path

from newsnorm.readers.charset import decode_html, meta_charset, normalise_label
from newsnorm.readers.containers import html_article
from newsnorm.readers.html import page_from_html
from newsnorm.runner.work import process_text

PAGE = Path(__file__).parent / "data" / "html" / "article.html"


# -- charset --------------------------------------------------------------------------------
def test_bom_wins_over_a_wrong_declaration():
    data = codecs.BOM_UTF8 + '<meta charset="windows-1251"><p>café</p>'.encode()
    text, codec, rule = decode_html(data)
    assert (codec, rule) == ("utf-8", "bom") and "café" in text


def test_latin1_label_on_utf8_bytes_is_read_as_utf8():
    data = '<meta charset="iso-8859-1"><p>Đà Nẵng — naïve “quotes”</p>'.encode()
    text, codec, rule = decode_html(data)
    assert (codec, rule) == ("utf-8", "utf8_over_label")
    assert "Đà Nẵng — naïve “quotes”" in text


def test_utf8_label_on_cp1252_bytes_is_not_trusted():
    data = '<meta charset="utf-8"><p>Caf\u00e9 cr\u00e8me \u2013 na\u00efve \u201cquoted\u201d text' \
           ' for the detector</p>'
    text, codec, rule = decode_html(data.encode("cp1252"))
    assert rule == "detected" and codec != "utf-8"
    assert "Café crème" in text


def test_declared_legacy_charset_that_fits_the_bytes_is_used():
    words = "Президент Южной Кореи прибыл в Вашингтон для переговоров"
    data = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>' \
           f'<body><p>{words}</p></body></html>'.encode("cp1251")
    text, codec, rule = decode_html(data)
    assert (codec, rule) == ("cp1251", "declared") and words in text


def test_http_header_charset_goes_before_meta():
    words = "Ελληνικά νέα σήμερα"
    data = f'<meta charset="windows-1251"><p>{words}</p>'.encode("iso-8859-7")
    text, codec, _ = decode_html(data, http_charset="ISO-8859-7")
    assert codec == "iso8859-7" and words in text


def test_labels_as_browsers_read_them():
    assert normalise_label("ISO-8859-1") == "cp1252"
    assert normalise_label("us-ascii") == "cp1252"
    assert normalise_label("no-such-charset") is None
    assert meta_charset(b'<meta content="text/html; charset=Shift_JIS" http-equiv="content-type">') == "Shift_JIS"


# -- lines and hints ------------------------------------------------------------------------
def test_lines_follow_blocks_and_carry_their_region():
    page = page_from_html(PAGE.read_text(encoding="utf-8"))
    lines = page.text.split("\n")
    assert len(lines) == len(page.hints)
    hint = dict(zip(lines, page.hints, strict=True))
    assert hint["Politics"].zone == "nav" and hint["Politics"].link_share == 1.0
    assert hint["President Lee Jae-myung speaks to reporters in Seoul on Monday."].tag == "figcaption"
    comment = next(line for line in lines if line.startswith("This is the most balanced"))
    assert hint[comment].zone == "comments"
    first = next(line for line in lines if line.startswith("Upon making his inaugural visit"))
    assert hint[first].tag == "p" and hint[first].marks and not hint[first].zone
    assert "You should never see" in page.text  # hidden by a CSS class: CSS is not applied
    assert all("display" not in line for line in lines)  # <style> and <script> are never text


def test_inline_elements_and_comments_do_not_break_a_line():
    page = page_from_html("<p>But just because no one <!-- x -->ran on <b>impeachment</b><!-- --> "
                          "doesn't mean</p><p>Next</p>")
    assert page.text.split("\n") == ["But just because no one ran on impeachment doesn't mean", "Next"]


def test_hidden_elements_and_controls_are_dropped():
    page = page_from_html('<p>Kept</p><div style="display: none">Gone</div><p hidden>Gone too</p>'
                          '<button>Click me</button><select><option>Pick</option></select>')
    assert page.text == "Kept"


def test_page_evidence():
    ev = page_from_html(PAGE.read_text(encoding="utf-8")).evidence
    assert ev.og_title == ev.headline == ev.h1s[0]
    assert ev.title.endswith("| The Daily Example")
    assert ev.site_name == "The Daily Example"
    assert ev.authors[:2] == ["Jane Doe", "Minh Tran"]
    assert ev.published == "2025-08-25T09:30:00Z"
    assert ev.canonical_url == "https://news.example.org/world/2025/08/25/lee-trump-alliance"
    assert ev.lang == "en-US" and ev.jsonld_type == "NewsArticle"


def test_broken_json_ld_is_only_missing_evidence():
    ev = page_from_html('<script type="application/ld+json">{"@type": "NewsArticle", headline</script>'
                        '<h1>A headline of a page</h1><p>Text.</p>').evidence
    assert ev.headline is None and ev.h1s == ["A headline of a page"]


# -- through the steps ----------------------------------------------------------------------
def test_article_from_html():
    raw = html_article(str(PAGE), PAGE.read_bytes())
    art = process_text(raw)
    roles = {s.text: s.role for s in art.segments}
    assert art.title.startswith("South Korean President Resists")
    assert roles[art.title] == "title"
    assert roles["President Lee Jae-myung speaks to reporters in Seoul on Monday."] == "caption"
    assert all(roles[t] == "boilerplate" for t in ("Politics", "Privacy Policy", "Related stories"))
    assert not any(s.role in ("body", "heading") for s in art.segments if s.text.startswith(("This is the most",
                                                                                              "I disagree")))
    body = [s for s in art.segments if s.role == "body"]
    assert len(body) == 6 and body[0].text.startswith("Upon making his inaugural visit")
    assert art.author == "Jane Doe and Minh Tran"
    assert art.site_name == "The Daily Example"  # from og:site_name: the text names no site
    assert str(art.published) == "2025-08-25"
    # line_start is the line of the page's flattened text (one line per block)
    assert [s.line_start for s in art.segments] == list(range(len(art.segments)))


def test_markup_is_not_believed_when_it_would_take_the_article():
    paras = "".join(f"<p>Paragraph {i} of the story carries enough running text to count as an article.</p>"
                    for i in range(8))
    html = f'<div class="related"><h1>Story headline here</h1>{paras}</div><nav><a href="/">Home</a></nav>'
    art = process_text(html_article("w.html", html.encode()))
    assert sum(s.role == "body" for s in art.segments) == 8


def test_chrome_region_inside_the_page_is_set_aside():
    paras = "".join(f"<p>Paragraph {i} of the story carries enough running text to count as an article.</p>"
                    for i in range(6))
    teasers = "".join(f"<p>Another story number {i} that a reader might like to read next, with a summary.</p>"
                      for i in range(3))
    html = f'<article><h1>Story headline here</h1>{paras}</article><div class="outbrain">{teasers}</div>'
    art = process_text(html_article("w.html", html.encode()))
    kept = [s.text for s in art.segments if s.role == "body"]
    assert len(kept) == 6 and not any(t.startswith("Another story") for t in kept)


def test_a_run_of_headlines_at_the_end_of_the_marked_article_is_not_the_story():
    paras = "".join(f"<p>Paragraph {i} of the story carries enough running text to count as an article.</p>"
                    for i in range(6))
    teasers = "".join(f"<h4>Other team number {i} may have found its true calling this season</h4>"
                      for i in range(4))
    html = f'<article><h1>Story headline here</h1>{paras}<h2>Our Latest Stories</h2>{teasers}</article>'
    art = process_text(html_article("w.html", html.encode()))
    kept = [s.text for s in art.segments if s.role in ("body", "heading")]
    assert sum(t.startswith("Paragraph") for t in kept) == 6
    assert not any(t.startswith(("Other team", "Our Latest")) for t in kept)


def test_a_heading_with_text_under_it_at_the_end_of_the_marked_article_stays():
    paras = "".join(f"<p>Paragraph {i} of the story carries enough running text to count as an article.</p>"
                    for i in range(6))
    tail = ("<h3>What comes next</h3><p>The council meets again in March, when the budget vote is due.</p>"
            "<h3>Reactions</h3><p>Residents said they were relieved that the plan was finally moving.</p>")
    html = f'<article><h1>Story headline here</h1>{paras}<div class="x"><p>Advertisement</p></div>{tail}</article>'
    art = process_text(html_article("w.html", html.encode()))
    kept = [s.text for s in art.segments if s.role in ("body", "heading")]
    assert {"What comes next", "Reactions"} <= set(kept)


# -- the title from the page's own statements ------------------------------------------------
_STORY = "".join(f"<p>Paragraph {i} of the story carries enough running text to count as an article.</p>"
                 for i in range(6))


def test_title_parts_split_the_site_name_off():
    from newsnorm.steps.page_metadata import title_parts

    assert title_parts("Council approves the new budget | The Daily Example") == (
        "Council approves the new budget", ["The Daily Example"])
    assert title_parts("Well-known co-op opens - Town News") == ("Well-known co-op opens", ["Town News"])
    assert title_parts("No site name here") == ("No site name here", [])


def test_a_site_name_in_the_h1_gives_way_to_the_title_the_page_agrees_on():
    html = ('<html><head><title>Council approves the new budget | The Town Community Blog</title>'
            '<meta property="og:title" content="Council approves the new budget"></head><body>'
            f'<h1>The Town Community Blog</h1><h2>Council approves the new budget</h2>{_STORY}</body></html>')
    art = process_text(html_article("w.html", html.encode()))
    assert art.title == "Council approves the new budget"
    roles = {s.text: s.role for s in art.segments}
    assert roles["The Town Community Blog"] == "boilerplate" and roles["Council approves the new budget"] == "title"
    assert "The Town Community Blog" not in art.text_en


def test_markup_alone_does_not_replace_the_texts_title():
    # og:title and <title> agree, but no line of the text says it: the text's title stays
    html = ('<html><head><title>A different promotional headline | The Town Community Blog</title>'
            '<meta property="og:title" content="A different promotional headline"></head><body>'
            f'<h1>Council approves the new budget after a long night</h1>{_STORY}</body></html>')
    art = process_text(html_article("w.html", html.encode()))
    assert art.title == "Council approves the new budget after a long night"
