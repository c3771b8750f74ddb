"""What HTML markup means for a line, kept as data (the walker in html.py holds the logic)."""

from __future__ import annotations

import re

# Subtrees never shown as text.
DROP_TAGS = frozenset({"head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
                       "embed", "canvas", "title", "select", "option", "button", "input", "textarea"})
# A new line starts before and after each of these (as the benchmark's naive flattener).
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "optgroup", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video", "audio",
})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Page regions (zone codes) by element: their text is page chrome, not the article.
ZONE_BY_TAG = {"nav": "nav", "footer": "footer", "aside": "aside", "form": "form", "menu": "nav"}
# ... and by ARIA role.
ZONE_BY_ROLE = {"navigation": "nav", "contentinfo": "footer", "complementary": "aside", "banner": "header",
                "menu": "nav", "menubar": "nav", "search": "form", "dialog": "dialog", "alert": "dialog"}
# ... and by a word of its class or id (split on - _ and spaces, lower-cased). The first
# pattern that matches names the zone. Words, not substrings: "comment" but not "commentary".
ZONE_BY_NAME = (
    ("comments", re.compile(r"^(comments?|comment-?list|commentlist|disqus(_thread)?|respond|replies|"
                            r"discussion|coral|talk)$")),
    ("related", re.compile(r"^(related|recommended|recommendations|more-?stories|read-?more|outbrain|taboola|"
                           r"most-?popular|popular|trending|most-?read|mostread|also|teaser|teasers|"
                           r"promo|promos|recirc|recirculation|next-?up|up-?next|more|latest)$")),
    ("share", re.compile(r"^(share|sharing|social|sharebar|share-?tools|social-?share|sharetools|addthis|"
                         r"follow|print)$")),
    ("newsletter", re.compile(r"^(newsletter|subscribe|subscription|signup|sign-?up|paywall|registration|"
                              r"regwall|meter)$")),
    ("ad", re.compile(r"^(ad|ads|advert|advertisement|adslot|ad-?slot|ad-?container|sponsor|sponsored|"
                      r"dfp|gpt|adunit|ad-?unit)$")),
    ("cookie", re.compile(r"^(cookie|cookies|consent|gdpr|onetrust)$")),
    ("breadcrumb", re.compile(r"^(breadcrumb|breadcrumbs|crumbs)$")),
    ("nav", re.compile(r"^(nav|navbar|navigation|menu|mainmenu|main-?nav|topnav|subnav|masthead|"
                       r"skip|skiplink|skip-?link|toolbar)$")),
    ("aside", re.compile(r"^(sidebar|side-?bar|rail|right-?rail|widget|widgets)$")),
    ("footer", re.compile(r"^(footer|site-?footer|copyright|colophon)$")),
    ("tags", re.compile(r"^(tags|tag-?list|topics|keywords)$")),
    ("author_bio", re.compile(r"^(author-?bio|bio|about-?author|author-?info|author-?box)$")),
)
# Matched against a part of a class or id (split at - and _): only words that say chrome
# wherever they stand ("comments-area", "site_footer"); "share" or "social" do not
# ("social-media-embed" is the article's embedded post).
ZONE_BY_NAME_PART = (
    ("comments", re.compile(r"^(comments|commentlist|disqus)$")),
    ("footer", re.compile(r"^(footer)$")),
    ("aside", re.compile(r"^(sidebar)$")),
    ("breadcrumb", re.compile(r"^(breadcrumbs?)$")),
    ("newsletter", re.compile(r"^(newsletter)$")),
    ("cookie", re.compile(r"^(cookie|consent|gdpr)$")),
    ("related", re.compile(r"^(related|outbrain|taboola)$")),
    ("nav", re.compile(r"^(nav|navbar|navigation|menu)$")),
)
EMBED_NAME = re.compile(r"embed|tweet|instagram|twitter-|video|player|caption|media")
# Elements that mark the article's own text.
ARTICLE_TAGS = frozenset({"article"})
ARTICLE_ITEMPROPS = frozenset({"articlebody", "articleBody"})
ARTICLE_NAMES = re.compile(r"^(article-?body|articlebody|story-?body|storybody|post-?content|entry-?content|"
                           r"article-?content|story-?content|post-?body|article-?text|story-?text|body-?text|"
                           r"c-entry-content|rich-?text|paywall-?content)$")
JSONLD_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "techarticle", "scholarlyarticle", "report", "liveblogposting",
    "webpage",
})
WHITESPACE = re.compile(r"[\s\u00a0\u200b\ufeff]+")
