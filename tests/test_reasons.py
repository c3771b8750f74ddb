"""Reasons are codes: every code renders today's sentence, the warehouse stores that sentence,
a Reason pickles small, and no code reads a reason's text back."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import duckdb
import pytest

from newsnorm.document import Segment
from newsnorm.reasons import SENTENCES, WITH_SEQ, Code, reason, render
from newsnorm.runner.execute import RunConfig, execute
from newsnorm.steps.text import norm_key

ROOT = Path(__file__).resolve().parent.parent

# The sentences `segments.role_reason` has always held (the warehouse contract), written out
# here rather than read from SENTENCES, with the roles each decision gives.
EXPECTED: dict[Code, tuple[str, frozenset[str]]] = {
    Code.NO_TEXT: ("no text", frozenset({"boilerplate"})),
    Code.PHOTO_CREDIT: ("photo credit", frozenset({"credit"})),
    Code.CONTRIBUTION: ("contribution line", frozenset({"credit"})),
    Code.BOILERPLATE_PHRASE: ("boilerplate phrase", frozenset({"boilerplate"})),
    Code.CAPTION_CONTROL: ("caption control", frozenset({"boilerplate"})),
    Code.LINK_LIST_LABEL: ("link list label", frozenset({"boilerplate"})),
    Code.LINK_LIST: ("link list (label seq {seq})", frozenset({"boilerplate"})),
    Code.AUTHOR_BOX: ("author box", frozenset({"boilerplate"})),
    Code.AUTHOR_BIO: ("author's bio (seq {seq})", frozenset({"boilerplate"})),
    Code.GLUED_NAVIGATION: ("navigation glued to the title (seq {seq})", frozenset({"boilerplate"})),
    Code.REPEATS: ("repeats seq {seq}", frozenset({"boilerplate"})),
    Code.REPEATS_CREDIT: ("repeats credit seq {seq}", frozenset({"credit"})),
    Code.REPEATS_INSIDE_TEXT: ("repeats seq {seq} inside the article's text", frozenset({"boilerplate"})),
    Code.END_MARKER: ("end-of-article marker", frozenset({"boilerplate"})),
    Code.AFTER_END_MARKER: ("after end-of-article marker (seq {seq})", frozenset({"boilerplate"})),
    Code.INLINE_CREDIT: ("ends with a photo credit", frozenset({"caption"})),
    Code.FOLLOWED_BY_CREDIT: ("followed by credit seq {seq}", frozenset({"caption"})),
    Code.BYLINE: ("author and date line before the body", frozenset({"byline"})),
    Code.TITLE_FIRST: ("first headline-like line before the body", frozenset({"title"})),
    Code.TITLE_EVIDENCE: ("headline over the article's text (position, byline or date under it, repeats)",
                          frozenset({"title"})),
    Code.BEFORE_TEXT_BLOCK: ("before the article's text block (seq {seq})", frozenset({"boilerplate"})),
    Code.AFTER_TEXT_BLOCK: ("after the article's text block (seq {seq})", frozenset({"boilerplate"})),
    Code.DATE_OR_AUTHOR_LINE: ("date or author line", frozenset({"boilerplate"})),
    Code.HEADING: ("short unpunctuated line before content", frozenset({"heading"})),
    Code.PUBLISHER_CAPTION_PAIR: ("publisher caption pair", frozenset({"caption"})),
    Code.PUBLISHER_PAIR: ("publisher pair with seq {seq}", frozenset({"boilerplate", "credit", "byline"})),
    # An HTML page's markup (steps/markup.py)
    Code.MARKUP_NAV: ("markup: in the page's navigation, menu or breadcrumb", frozenset({"boilerplate"})),
    Code.MARKUP_FOOTER: ("markup: in the page's footer", frozenset({"boilerplate"})),
    Code.MARKUP_COMMENTS: ("markup: in the comment section", frozenset({"boilerplate"})),
    Code.MARKUP_RELATED: ("markup: in a list of related or recommended stories", frozenset({"boilerplate"})),
    Code.MARKUP_WIDGET: ("markup: in a share, newsletter, ad or cookie widget", frozenset({"boilerplate"})),
    Code.MARKUP_ASIDE: ("markup: in a sidebar, form, dialog, tag list or author box", frozenset({"boilerplate"})),
    Code.MARKUP_LINKS: ("markup: link text outside the page's article", frozenset({"boilerplate"})),
    Code.MARKUP_OUTSIDE_ARTICLE: ("markup: outside the page's marked article", frozenset({"boilerplate"})),
    Code.MARKUP_INSIDE_ARTICLE: ("markup: inside the page's marked article", frozenset({"body", "heading"})),
    Code.MARKUP_FIGCAPTION: ("markup: a <figcaption>", frozenset({"caption"})),
    Code.MARKUP_HEADING: ("markup: an <h2>-<h6> heading", frozenset({"heading"})),
    Code.MARKUP_TITLE: ("markup: the <h1> the page's own title names", frozenset({"title"})),
    Code.MARKUP_NOT_TITLE: ("markup: the page's <h1> is the title, not this line", frozenset({"body", "heading",
                                                                                               "caption"})),
    Code.MARKUP_SITE_NAME: ("markup: the site's name (og:site_name or the <title>'s suffix), not the article's title",
                            frozenset({"boilerplate"})),
    Code.MARKUP_PAGE_TITLE: ("markup: the title two of the page's own statements agree on", frozenset({"title"})),
}
PATTERNS = {code: re.compile(re.escape(s).replace(re.escape("{seq}"), r"(\d+)")) for code, (s, _) in EXPECTED.items()}


def _parse(sentence: str) -> tuple[Code, int | None]:
    """Which decision a stored sentence records (test side only: the pipeline never parses)."""
    found = [(code, m) for code, p in PATTERNS.items() if (m := p.fullmatch(sentence))]
    assert len(found) == 1, (sentence, found)
    code, m = found[0]
    return code, int(m.group(1)) if m.groups() else None


@pytest.mark.parametrize("code", list(Code))
def test_every_code_renders_its_sentence(code):
    sentence, _ = EXPECTED[code]
    seq = 17 if "{seq}" in sentence else None
    assert render(reason(code, seq)) == sentence.format(seq=seq)
    assert (code in WITH_SEQ) == (seq is not None)


def test_the_table_has_exactly_the_codes():
    assert set(SENTENCES) == set(Code) == set(EXPECTED)
    assert render(None) is None


def test_a_seq_is_required_exactly_where_the_sentence_names_a_line():
    with pytest.raises(ValueError, match="seq required"):
        reason(Code.REPEATS)
    with pytest.raises(ValueError, match="seq not expected"):
        reason(Code.PHOTO_CREDIT, 3)


def test_a_reason_is_interned_and_pickles_small():
    r = reason(Code.BEFORE_TEXT_BLOCK, 12)
    assert reason(Code.BEFORE_TEXT_BLOCK, 12) is r
    assert pickle.loads(pickle.dumps(r)) is r
    # In a batch (one stream): a Reason costs a few bytes; the sentence cost its length.
    distinct = [reason(Code.REPEATS, i) for i in range(100)]  # the shortest sentence that names a line
    assert len(pickle.dumps(distinct)) < len(pickle.dumps([render(x) for x in distinct]))
    seg = Segment(seq=3, line_start=5, text="Menu", role="boilerplate", reason=r)
    back = pickle.loads(pickle.dumps(seg))
    assert back == seg and back.reason is r
    # Many segments with the same reason: the reason is stored once in the stream.
    one, many = (len(pickle.dumps([Segment(seq=i, line_start=i, text="x", reason=r) for i in range(k)]))
                 for k in (1, 101))
    without = len(pickle.dumps([Segment(seq=i, line_start=i, text="x") for i in range(101)])) \
        - len(pickle.dumps([Segment(seq=0, line_start=0, text="x")]))
    assert many - one <= without + 100 * 4


def test_the_warehouse_stores_the_sentence_of_each_decision(tmp_path, seeds_dir, seed_articles):
    """A real run on the seeds: each stored `role_reason` is one of the sentences above, fits the
    row's role, points to a line that backs it, and is the rendering of the step's Reason."""
    wh = tmp_path / "wh"
    execute(RunConfig(inputs=[str(seeds_dir)], warehouse=str(wh)))
    rows = duckdb.sql(f"""
        select a.source_path, s.seq, s.role, s.role_reason, s.text, s.pair_seq
        from read_parquet('{wh}/segments/**/*.parquet') s
        join read_parquet('{wh}/articles/**/*.parquet') a using (article_id)
        order by a.source_path, s.seq""").fetchall()
    assert len(rows) == sum(len(a.segments) for a in seed_articles.values())
    by_line = {(Path(p).name, seq): (role, why, text, pair) for p, seq, role, why, text, pair in rows}
    seen = set()
    for (name, seq), (role, why, text, pair) in by_line.items():
        assert render(seed_articles[name].segments[seq].reason) == why, (name, seq)
        if role == "body":
            assert why is None, (name, seq, why)
            continue
        code, ref = _parse(why)
        seen.add(code)
        assert role in EXPECTED[code][1], (name, seq, role, why)
        if ref is None:
            continue
        ref_role, ref_why, ref_text, _ = by_line[(name, ref)]
        if code in (Code.REPEATS, Code.REPEATS_CREDIT):
            assert ref < seq and norm_key(ref_text) == norm_key(text), (name, seq, why)
        if code is Code.REPEATS_CREDIT:
            assert ref_role == "credit"
        if code is Code.FOLLOWED_BY_CREDIT:
            assert ref == seq + 1 and ref_why == "photo credit"
        if code is Code.PUBLISHER_PAIR:
            assert pair == ref
    # The seeds exercise the first pass, the structural rules and the publisher pairs.
    assert {Code.PHOTO_CREDIT, Code.REPEATS, Code.REPEATS_CREDIT, Code.FOLLOWED_BY_CREDIT, Code.BYLINE,
            Code.PUBLISHER_PAIR, Code.PUBLISHER_CAPTION_PAIR} <= seen


# -- no code reads a reason's text back ------------------------------------------------------

_STRING_READERS = frozenset({"match", "fullmatch", "search", "findall", "finditer", "startswith", "endswith",
                             "split", "partition", "rpartition", "find", "rfind", "index", "count", "removeprefix",
                             "removesuffix", "lower", "casefold", "strip", "format"})


def _mentions_reason(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "reason" for n in ast.walk(node))


def _is_text(node: ast.AST) -> bool:
    """A string, or a collection of strings (`reason in ("a", "b")`)."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_text(e) for e in node.elts)
    return isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str)


def reason_text_reads(source: str) -> list[int]:
    """Lines that compare a `.reason` with a string (`==`, `in`, ...) or call a string or regex
    method on it (as receiver or argument)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_mentions_reason(o) for o in operands) and any(_is_text(o) for o in operands):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _STRING_READERS:
            args = [node.func.value, *node.args, *(k.value for k in node.keywords)]
            if any(_mentions_reason(a) for a in args):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("snippet", [
    'm = _REPEATS.match(seg.reason or "")',
    'if seg.reason and seg.reason.startswith("link list"): pass',
    'ok = nxt.reason == "photo credit"',
    'ok = "photo credit" != nxt.reason',
    'm = re.search(r"seq (\\d+)", seg.reason or "")',
    'ok = "text block" in s.reason',
    'ok = s.reason == f"repeats seq {n}"',
    'ok = s.reason in ("no text", "photo credit")',
])
def test_the_checker_finds_a_reason_read_back(snippet):
    assert reason_text_reads(snippet) == [1]


def test_the_checker_lets_codes_through():
    ok = ("ok = seg.reason is not None and seg.reason.code is Code.REPEATS\n"
          "row = render(seg.reason)\nok = seg.reason.code in REPEAT_CODES\nok = seg.reason == reason(Code.NO_TEXT)\n")
    assert reason_text_reads(ok) == []


def test_no_module_reads_a_reason_string_back():
    files = [p for d in ("src/newsnorm", "benchmarks", "scripts", "flows") for p in sorted((ROOT / d).rglob("*.py"))]
    assert len(files) > 30
    found = {str(p.relative_to(ROOT)): lines for p in files
             if (lines := reason_text_reads(p.read_text(encoding="utf-8")))}
    assert found == {}
