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

