"""Headline patterns as data (steps/headline.py)."""

from __future__ import annotations

import re

from newsnorm.steps.patterns.lines import AGENCIES, COMPILED

# The headline (steps/headline.py): lines that are never one, and how evidence is weighed.
# Menu labels, toolbars, tag lists, section sponsors, filing labels and newsletter prompts
# that stand where a headline would (matched at the line's start, case-insensitively).
NOT_HEADLINE_LINES: dict[str, list[str]] = {
    "en": [
        r"print(er)?[ -]?(version|friendly|this)", r"del\.icio\.us", r"(hot )?tags?\s*:", r"topics?\s*:",
        r"filed (to|under)\s*:?", r"posted (in|under)\b", r"categor(y|ies)\s*:", r"keywords?\s*:",
        r".{0,40}\bsection sponsors?\b", r"sponsored by\b", r"(breaking news|daily|free) (emails?|newsletters?|alerts?)",
        r"welcome to\b", r"you are here\b", r"click (here|for|to)\b", r"(edit|my) (profile|account)",
        r"(sign|log) (in|up|out)\b", r"subscribe\b", r"(watch|listen)( live| now)?\b", r"(image|photo|picture|video)s?\s*:",
        r"(updated|published|posted|last updated|first published)\b", r"share (this|on|via|all)\b",
        r"(more|latest|top|related|recommended|trending|popular) (from|in|on|stories|news|articles|videos|headlines)\b",
        r"(news|analysis|opinion|perspective|stories)(,| and) .{0,60}\bfor\b",
        r"file (photo|image)\b", r"(summary|reading time|read time|key points|tested by|editor'?s note)\s*:?",
        r"\(.*\)\W*$", r"these are external links", r".{0,60}\(opens in (a )?new (window|tab)\)",
        r"you are signed in", r"learn more\b", r".{0,30}\bsharing options\b", r"(no|nessun|sem|sin) (comments?|commento|comentários?|comentarios?)\b",
        r".{1,60}\s[>›»]\s.{1,60}\s[>›»]\s", r"[»›•·▪►]", r"\d+ min(ute)?s? read",
        # a wire service's slug (`AP-US--Trump-Impeachment, 4th Ld-Writethru`, `BC-EU--Britain-Brexit`)
        r"[A-Z]{2}-[A-Z]{2,3}-{1,2}[A-Z]", r".{0,80}\b\d+(st|nd|rd|th) ld-writethru\b",
        # a bare domain name: the site's own (`HoustonChronicle.com`)
        r"[\w-]+(\.[\w-]+)*\.(com|org|net|co\.uk|com\.au|info|news|ca|in|ph|id|vn|kr|ru|de|fr|br)\W*$",
    ],
    "ko": [r"관련 ?기사", r"(사진|영상)\s*=", r"많이 본 뉴스", r"기사입력"],
    "pt": [r"tempo de leitura", r"publicidade"],
    "vi": [r"tin (liên quan|khác|mới)", r"ảnh\s*:", r"xem thêm", r"đọc thêm"],
}

# How a byline that names an agency or a desk ends (`Tom Davies Associated Press`, `Detroit
# News wire services`): such a line stands under a headline and is never one.
BYLINE_ENDINGS = (
    r"(associated press|the associated press|agence france-presse|wire services?|news services?|staff( writer| reporter)?"
    r"|correspondent|contributor|reporter|editor|bureau|" + AGENCIES + r")\W*$"
)
COMPILED["byline_ending"] = re.compile(r"\b" + BYLINE_ENDINGS, re.IGNORECASE)

# A caption glued to its credit (`... in Braunau am Inn, Austria.Leonhard Foeger / Reuters`).
NOT_HEADLINE_LINES["credit"] = [r".{10,}\S\s?/\s?(?:" + AGENCIES + r")\W*$"]

HEADLINE = {
    # words in a headline; under short_words it loses points, up to long_words more earn some;
    # a running line over prose_words is a paragraph
    "min_words": 2, "max_words": 30, "short_words": 4, "long_words": 6, "prose_words": 22,
    # A headline does not end mid-sentence or as a label.
    "bad_endings": (",", ";", ":", "|", "/", "-", "–", "—", "»", "›", "..."),
    "not_headline": re.compile(
        r"^\W*(?:" + "|".join(p for pats in NOT_HEADLINE_LINES.values() for p in pats) + r")", re.IGNORECASE
    ),
    # near: fewer than near_lines content lines between it and the text; running text looked
    # for in the text_window lines under it (text_after_chars is plenty); candidates up to
    # look_into lines into the text block; a text starting within clean_start lines is a
    # clean article; a byline or date within stamp_window lines under it counts
    "near_lines": 12, "text_window": 12, "text_after_chars": 800, "look_into": 2, "clean_start": 6,
    "stamp_window": 4,
    # a repeat is at least this long; share of a headline's words found in one link's path;
    # share of words a line must share with a markup title to count as it
    "repeat_min_chars": 16, "slug_share": 0.7, "evidence_share": 0.7,
    "min_score": 3.0,
    # words a date line holds besides month names and numbers (a line of only these is a date)
    "date_words": frozenset(["am", "pm", "a", "p", "m", "et", "est", "edt", "pt", "pst", "pdt", "gmt", "utc", "bst",
                             "cet", "ist", "ago", "de", "of", "at", "on", "updated", "published", "posted",
                             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                             "mon", "tue", "wed", "thu", "fri", "sat", "sun", "ene", "abr", "ago", "dic", "set", "out",
                             "dez", "fev", "mai"]),
    # a short line (site_name_words or fewer) printed site_name_copies times on the page is the
    # site's name or a section (a headline repeated that often is longer)
    "site_name_copies": 3, "site_name_words": 4,
    # the lead: this many content words of the text from its start; words cut to stem_chars;
    # a line with fewer than overlap_min_words content words is not compared
    "lead_words": 80, "stem_chars": 5, "overlap_min_words": 2,
    "weights": {
        "near": 4.0, "headline_between": 0.5, "text_after": 3.0, "sentence_inside": 1.5, "stamp_after": 2.5,
        "standfirst": 1.0, "in_list": 2.0, "repeated": 3.5, "short": 2.5, "full_stop": 1.5, "per_word": 0.25,
        "evidence": 4.0, "top": 3.0,
        "lead_overlap": 4.0, "no_overlap": 1.0, "under_stamp": 3.0, "said_often": 3.0,
    },
}
