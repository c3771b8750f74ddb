"""Date and byline patterns as data (steps/dates.py, steps/metadata.py)."""

from __future__ import annotations

import re

from newsnorm.steps.patterns.lines import COMPILED

# Dates as sites print them (steps/dates.py). Month names by language, lower case, each
# mapped to its number; a name also matches with a trailing dot (`Nov.`).
MONTH_NAMES: dict[str, list[str]] = {
    "en": ["january february march april may june july august september october november december",
           "jan feb mar apr may jun jul aug sep oct nov dec", "- - - - - - - - sept - - -"],
    "pt": ["janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"],
    "es": ["enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"],
    "fr": ["janvier février mars avril mai juin juillet août septembre octobre novembre décembre"],
    "de": ["januar februar märz april mai juni juli august september oktober november dezember"],
    "it": ["gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"],
    "id": ["januari februari maret april mei juni juli agustus september oktober november desember"],
    "ru": ["января февраля марта апреля мая июня июля августа сентября октября ноября декабря"],
}
# A date line's label for the first publication (wins over an `Updated` date on the same line).
PUBLISHED_LABEL = r"(published|posted|first published|publicado|publiziert|publié|pubblicato|diterbitkan|기사입력|입력)"
UPDATED_LABEL = r"(updated|last updated|modified|last modified|actualizado|atualizado|aktualisiert|수정)"
# Lines of the header that carry the date and byline: from this many lines above the title
# to this many below it (without a title: this many lines above the text).
HEADER_ABOVE = 3
HEADER_BELOW = 12
HEADER_MAX_WORDS = 30
# What a byline starts with, and words after the name that end it (a job, a desk).
AUTHOR_PREFIX = r"^\s*(?:(?:written |posted |reported |words |story |text )?by\b:?|von\b|por\b|par\b|텍스트:|текст:|글\s*=)\s*"
# A social feed's item in a sidebar: a retweet, a handle, a hashtag or a link in the line.
SOCIAL_ITEM = r"^RT @|(?<!\w)@\w{2,}|(?<!\w)#\w{2,}|https?://"
COMPILED["social_item"] = re.compile(SOCIAL_ITEM)
COMPILED["author_prefix"] = re.compile(AUTHOR_PREFIX, re.IGNORECASE)
COMPILED["published_label"] = re.compile(r"\b" + PUBLISHED_LABEL, re.IGNORECASE)
AUTHOR_STOP_WORDS = frozenset(
    ["staff", "writer", "writers", "reporter", "reporters", "correspondent", "contributor", "editor", "editors", "columnist", "senior", "chief", "national", "political", "sports", "auto", "business", "security", "on", "am", "at", "in", "for", "published", "updated", "posted", "view", "more", "articles", "follow", "email", "bio", "twitter", "the", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "updated", "published"]
)


# Relative dates (`2 hours ago`, `yesterday`, `3 ngày trước`, `5시간 전`), resolved against the
# record's crawl time and never without one. Only units a site counts exactly: seconds to
# days (`3 weeks ago`, `a month ago` are rounded, so a date from them would be a guess).
# Each form has a number group `n` (digits, or a word in RELATIVE_NUMBER_WORDS) and a `unit`
# group, or is a fixed day offset in RELATIVE_DAYS.
RELATIVE_UNITS = {
    "second": "seconds", "seconds": "seconds", "sec": "seconds", "secs": "seconds",
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
    "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours", "h": "hours", "m": "minutes",
    "day": "days", "days": "days", "d": "days",
    "giây": "seconds", "phút": "minutes", "giờ": "hours", "tiếng": "hours", "ngày": "days",
    "초": "seconds", "분": "minutes", "시간": "hours", "일": "days",
}
RELATIVE_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
RELATIVE_FORMS = [
    # en: `2 hours ago`, `an hour ago`, `5 mins ago`, `3h ago`
    r"(?<![\w.,:/])(?P<n>\d{1,3}|an?|one|two|three|four|five|six)\s?(?P<unit>seconds?|secs?|minutes?|mins?|hours?"
    r"|hrs?|days?|h|m|d)\s+ago\b",
    # vi: `3 giờ trước`, `2 ngày trước`
    r"(?<![\w.,:/])(?P<n>\d{1,3})\s(?P<unit>giây|phút|giờ|tiếng|ngày)\s+trước\b",
    # ko: `5시간 전`, `3일 전`, `10분 전`
    r"(?<![\w.,:/])(?P<n>\d{1,3})\s?(?P<unit>초|분|시간|일)\s?전(?!\w)",
]
# Words for a day counted from the crawl date (a whole line or after a label such as `Updated`).
RELATIVE_DAYS = {"yesterday": 1, "today": 0, "just now": 0, "hôm qua": 1, "hôm nay": 0, "vừa xong": 0,
                 "어제": 1, "오늘": 0, "방금": 0, "방금 전": 0}
# A relative date is read only on a short line (a date or byline line, not a sentence).
RELATIVE_LINE_WORDS = 10
COMPILED["relative_date"] = [re.compile(p, re.IGNORECASE) for p in RELATIVE_FORMS]
COMPILED["relative_day"] = re.compile(
    r"(?<!\w)(?P<day>" + "|".join(sorted((re.escape(d) for d in RELATIVE_DAYS), key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)

# Bylines without a `By` at the start (steps/metadata.py): a name with its handle (`Natasha
# Turak@NatashaTurak`, `Catherine Shu @catherineshu / 2 days`), a name with a job after a
# comma (`Tom Krisher, AP Auto Writer`: the job ends in a job word, `job_end`), and a
# date line that ends `by <name>` (`Monday November 18, 2019 7:45 am PST by Joe Rossignol`).
_NAME = r"(?P<name>[A-Z][\w'’.\-]+(?: (?:[A-Z][\w'’.\-]+|de|van|von|da|di|del|la|le)){1,3})"
LOOSE_BYLINES = {
    "handle": re.compile(r"^" + _NAME + r"\s?\(?@\w{2,}"),
    "job": re.compile(r"^" + _NAME + r",\s(?P<job>.{2,50})$"),
    "date_then_by": re.compile(r"\s(?:by|By|BY)\s+(?=[A-Z])"),
    # the job after the comma ends with one of these words
    "job_end": re.compile(r"\b(writer|reporter|correspondent|contributor|editor|columnist|producer|photographer"
                          r"|critic|analyst)s?\W*$", re.IGNORECASE),
}
