"""Line patterns as data: boilerplate phrases, credit formats, UI strings per language,
the words of each language, and their compiled forms (COMPILED)."""

from __future__ import annotations

import re

from newsnorm.perf.linematch import Gate, LineMatcher

# Whole-line boilerplate: site chrome, comment widgets, share bars, navigation, ads.
BOILERPLATE_LINES: dict[str, list[str]] = {
    "en": [
        r"the post .{3,400} appeared first on .{2,120}",
        r"this (article|story|post) (was )?(originally )?(appeared|published|posted) (first )?(on|in|at) .{2,120}",
        r"about( the)? author",
        r"leave a (reply|comment)",
        r"(post|add|write|view|show|hide|load) (a |the |all |more )?comments?",
        r"\d* ?comments?",
        r"your email address will not be published.*",
        r"required fields are marked.*",
        r"(hide|toggle|show|close|expand) caption",
        r"(share|tweet|email|print|save|like|follow|subscribe)( (this|on|us|now))?( (article|story|page|facebook|twitter|x|linkedin|whatsapp))?",
        r"share (this|on|via) .{1,40}",
        r"(related|recommended|more|trending|popular|latest|top|most read|most popular|featured)( (content|stories|articles|news|posts|reads|videos|from .{1,40}))?",
        r"read (more|next|also|the full (story|article))( .{0,60})?",
        r"(see|view) (also|more|all)( .{0,40})?",
        r"(advertisement|advertising|sponsored( content)?|ad|ads|promoted)",
        r"(post|top|bottom|side|inline)? ?ads? ?\d*",
        r"skip to (main )?content",
        r"(sign|log) (in|up|out)( .{0,40})?",
        r"(next|previous|prev|newer|older)( (post|article|story|page))?",
        r"(newer|older|next|previous) (posts?|entries)",
        r"back to top",
        r"(home|menu|search|close|open|x|×|✕)",
        r"powered by ?.{1,60}",
        r"(all rights reserved|copyright).{0,200}",
        r"©.{0,200}",
        r".{0,120}all rights reserved\.?",
        r"(downloading|reproduction|republication|redistribution).{0,80}(prohibited|permission|consent|without|regardless).*",
        r"(we use cookies|this (web)?site uses cookies).*",
        r"(accept|manage) (all )?cookies",
        r"(click|tap) here.{0,80}",
        r"sign up for (our|the) .{1,80}",
        r"(subscribe|sign up) (to|for) (our|the) newsletter.*",
        r"follow us( on .{1,60})?",
        r"(tags?|categories|category|filed under|topics?)\s*:.{0,200}",
        r"(listen|watch)( to)? (this|the) (article|story|video)( .{0,30})?",
        r"\d+ min(ute)?s? read",
        r"(updated|posted|published) \d+ (minutes?|hours?|days?) ago",
        r"loading\.*",
        r"you (may|might) also like.{0,40}",
        r"(stay up to date|get the latest|keep up|don['’]t miss).{0,120}(newsletter|inbox|updates|email)s?.{0,120}",
        r".{0,80}\b(subscribe|sign up) (to|for) .{0,80}(newsletter|magazine|alerts|updates|emails?)\b.{0,120}",
        r"no spam.{0,200}",
        r".{0,200}\bunsubscribe at any time\b.{0,200}",
        r"follow .{1,40} on (facebook|twitter|instagram|youtube|linkedin|tiktok).{0,80}",
        r".{0,300}\b(are|is a) (registered )?trademarks? of\b.{0,300}",
        r"(the )?(information|content|material)s? (provided |contained |published )?on this (web)?site.{0,400}",
        r"(terms of (use|service)|privacy policy|cookie policy|contact us|about us)( ?[|·•/-] ?.{0,40}){0,8}",
        r"also (on|read|see)\s*:?\s+.{1,160}",
        r"(share|sharing)( (to|on|via|this( article| story| page)?))? ?(facebook|twitter|linkedin|email|whatsapp|reddit|pinterest|messenger|copy link|print).{0,300}",
        r"(posted|published|updated|last updated|modified)\s*(on|at|:)?\s*:?\s*[\w ,.]{0,30}\d[\w ,.:/|-]{0,60}(by [\w .'-]{2,40})?",
        r"(rating|votes?|likes?|points?)\s*:?\s*\d+( votes?| likes?| points?)?",
        # affiliate and sponsorship disclosures, comment policies, subscription offers, site blurbs
        r".{0,200}\b(we may (earn|receive|get) (a )?(small )?(share of sales|commission|compensation)|affiliate (links?|commission)|(is|are) supported by (its|our) (audience|readers)).{0,300}",
        r".{0,120}\b(please be respectful|comments? policy|community (guidelines|standards)|keep (it|comments) civil)\b.{0,300}",
        r"the .{1,40} is committed to publishing .{0,300}",
        r".{0,120}\b(get access to|for as little as|activation link|activate your subscription|already (a subscriber|have an account)|subscribe (now|today)|start your free trial)\b.{0,300}",
        r"join (our|the) .{1,40} (forums?|community|club|list)\b.{0,300}",
        # a short author bio: "Jane Doe (@janedoe) is ..." / "Jane Doe is a staff writer at ..."
        r"[A-Z][\w.'’\- ]{1,40} \(@\w+\) is .{0,300}",
        r"[A-Z][\w.'’\-]+( [A-Z][\w.'’\-]+){1,3} is (a|an|the) ([\w-]+ ){0,3}(writer|reporter|editor|contributor|correspondent|columnist|producer)( at| for| with| of) .{0,200}",
        r"(this|the) (content|article|story) (is|was) (created|produced|sponsored) by .{1,120}",
        # a link to another story behind a label: "Read more: ...", "SEE MORE: ...", "[Related: ...]"
        r"(see|read|watch|listen|also|more)( more| also| next| on this| about this)?\s*:\s*.{1,200}",
        r"(related|recommended|suggested|must read|don['’]t miss|editor['’]?s? picks?|more (on|about) this( story| topic)?)"
        r"( (article|story|stories|post|posts|reading|coverage|content|links?|videos?))?\s*:\s*.{1,200}",
        # a teaser that ends in its link: "... - Read More »", "... Continue reading →"
        r".{3,300}(\s[-–—|:]\s*|…\s*|\.\.\.\s*)(read more|continue reading|read (the )?full (story|article)|full story)\s*[»›>→]*",
        r".{3,300}\s(read more|continue reading|more|full story)\s*[»›>→]+",
        # photo-gallery and media-player controls
        r"(image|photo|picture|slide)s? \d+ (of|/) ?/? ?\d+",
        r"\d+ ?(of|/) ?\d+",
        r"(caption|enlarge( this)?( image| photo| picture)?|full ?screen|(back|return) to (the )?(gallery|slideshow|article)"
        r"|(view|open|see|launch|start) (the )?(full )?(gallery|slideshow|photo gallery|photos))",
        r"\d+ ?shares?|shares?|advert|adverti[sz]ement \d*|continue reading( below| the (main )?story)?",
        r"(facebook|twitter|reddit|pinterest|linkedin|whatsapp|instagram|youtube|flipboard|tumblr|telegram|snapchat"
        r"|tiktok|messenger|e-?mail|sms|copy( the)? link|comment|google\+)( ?[|·•/,]? ?(facebook|twitter|reddit|pinterest|linkedin"
        r"|whatsapp|instagram|youtube|flipboard|tumblr|telegram|snapchat|tiktok|messenger|e-?mail|sms|copy( the)? link|print|comment"
        r"|google\+))*",
        r"follow( [\w.&'’-]+){0,4} (on|at|via)( (facebook|twitter|instagram|youtube|linkedin|tiktok|x))?",
        # newsletter boxes and their consent lines
        r"i (agree|consent|have read|understand|accept)( to| that| with)? .{1,300}",
        r"by (signing up|subscribing|clicking|submitting|registering|entering your email)\b.{0,300}",
        r"[\w&'’ -]{1,40} newsletters?",
        # how to reach the newsroom, under the story
        r"(have|got) a (news )?tip\b.{0,300}",
        r".{0,200}\b(can|may) be (reached|contacted) (at|by|via|on)\b.{0,200}",
        r"(contact|email|e-mail|reach|write to) (the )?(author|writer|reporter|reporters|editors?|newsroom)\b.{0,200}",
        r"send (us )?(your )?(news )?tips?\b.{0,200}",
        # legal notices and disclaimers
        r"disclaimer\s*:.{0,800}",
        r".{0,400}\b(statements? (has|have) not been evaluated by the food and drug administration"
        r"|(is|are) not intended to (diagnose|treat|cure|prevent)"
        r"|(is|are) (provided )?for (general )?(informational|educational|entertainment) purposes only"
        r"|(does|do|shall|should) not (constitute|be (construed|considered) as) (\w+ ){0,2}advice"
        r"|consult (with )?(your|a) (physician|doctor|healthcare (provider|professional)) before)\b.{0,800}",
        r"terms (and|&) conditions apply\.?",
        r"subscribe (to|for|now|today)\b.{0,200}",
        r"share (this( article| story| page| post)?|on|via|to)\s*:\s*.{0,200}",
        # an author's handle line ("Jane Doe @janedoe / 2 days"), a reading-time stamp
        r"[\w.'’-]+( [\w.'’-]+){0,3} @\w{2,}( ?[/|·•] ?.{0,30})?",
        r"(estimated )?reading time\s*:?\s*.{0,30}|thời gian đọc\s*:?.{0,30}|읽는 ?시간\s*:?.{0,30}",
        # icon-font ligatures a scraper keeps as text ("chevron_left Browse All Posts")
        r"(chevron|arrow|keyboard_arrow|navigate|arrow_back|arrow_forward)_(left|right|up|down|forward|back|before|next)"
        r"\b.{0,60}",
        r".{5,200}\[(video|videos|pics|pictures|photos|gallery|insight|reaction|analysis|latest|live|poll|map|watch|update)\]",
        r".{0,200}\b((delivered|sent|straight|directly|right) to your inbox|meet your inbox|in your inbox (every|each))\b.{0,200}",
    ],
    "ko": [
        r"댓글( 쓰기| 달기| 작성| 보기)?",
        r"(다음|이전)( 이전| 다음)?",
        r"(다음|이전) ?(글|기사)",
        r"(공유|공유하기|스크랩|인쇄|구독|구독하기|좋아요)",
        r"(관련|인기|많이 본|최신) ?(기사|뉴스|글)",
        r"(로그인|회원가입|로그아웃)",
        r"(무단 ?전재|재배포 ?금지).*",
        r"ⓒ.{0,120}",
        r"(광고|제보하기|기사제보)",
        r"맨 ?위로",
        r"(저작권자|copyright)\s*[ⓒ©(].{0,160}",
        r"<?\s*저작권자.{0,160}>?",
        r"(기사 ?)?(공유|추천|스크랩|저장|인쇄|글자 ?크기)( ?하기)?( [|·] ?.{1,20}){0,8}",
        r"(카카오톡|카카오스토리|페이스북|트위터|네이버 ?블로그|밴드|URL ?복사)( ?[|·/]? ?(카카오톡|카카오스토리|페이스북|트위터|네이버 ?블로그|밴드|URL ?복사|공유))*",
        r"(많이 본|주요|실시간|포토|최신|오늘의) ?(뉴스|기사|인기 ?기사)",
        r"(전체 ?메뉴|검색|닫기|홈|바로 ?가기|본문 ?바로 ?가기)",
        r"(구독 ?신청|뉴스레터( 신청| 구독)?)",
        r"(이메일 ?무단 ?수집 ?거부|개인정보 ?(처리|취급) ?방침|이용 ?약관|청소년 ?보호 ?정책)( ?[|·] ?.{1,20}){0,8}",
        r"(입력|수정|업데이트|등록|승인)\s*:?\s*\d{4}[.\-/년 ].{0,40}",
        r"[가-힣]{2,4} ?(기자|특파원|논설위원)\s*[\w.\-]+@[\w.\-]+",
    ],
    "vi": [
        r"bình luận",
        r"(chia sẻ|in bài|lưu bài|gửi bài)",
        r"(tin|bài) (liên quan|cùng chuyên mục|mới nhất|đọc nhiều)",
        r"(xem thêm|đọc thêm|đọc tiếp)( .{0,40})?",
        r"(đăng nhập|đăng ký)",
        r"quảng cáo",
        r"(bản quyền|ghi rõ nguồn).{0,200}",
        r"(tin|bài) (khác|nổi bật|xem nhiều|mới|cùng chuyên mục)",
        r"(xem tiếp|trở (lại|về) đầu trang|trang chủ|tìm kiếm|đóng)",
        r"đăng ký nhận (bản )?tin.{0,120}",
        r"(cập nhật|đăng|đăng lúc|cập nhật lúc)\s*:?\s*.{0,20}\d{1,2}[:/]\d{1,2}.{0,40}",
        r"(giấy phép|chịu trách nhiệm (nội dung|xuất bản)|tổng biên tập|tòa soạn|trụ sở)\s*:?.{0,200}",
        r"(điện thoại|hotline|đường dây nóng|liên hệ quảng cáo)\s*:.{0,120}",
        r"(thích|lưu|chia sẻ) (bài viết|facebook|zalo)( .{0,40})?",
    ],
}

# English glosses for short foreign UI strings, so boilerplate in any language is readable.
UI_GLOSSARY: dict[str, dict[str, str]] = {
    "ko": {
        "댓글 쓰기": "Write a comment",
        "댓글 달기": "Add a comment",
        "댓글 작성": "Write a comment",
        "댓글 보기": "View comments",
        "댓글": "Comments",
        "다음 이전": "Next Previous",
        "이전 다음": "Previous Next",
        "다음": "Next",
        "이전": "Previous",
        "다음 글": "Next post",
        "이전 글": "Previous post",
        "공유": "Share",
        "공유하기": "Share",
        "구독": "Subscribe",
        "구독하기": "Subscribe",
        "좋아요": "Like",
        "인쇄": "Print",
        "스크랩": "Save",
        "관련 기사": "Related articles",
        "관련기사": "Related articles",
        "인기 기사": "Popular articles",
        "많이 본 뉴스": "Most read",
        "로그인": "Log in",
        "회원가입": "Sign up",
        "광고": "Advertisement",
        "맨 위로": "Back to top",
    },
    "vi": {
        "bình luận": "Comments",
        "chia sẻ": "Share",
        "in bài": "Print",
        "tin liên quan": "Related news",
        "bài liên quan": "Related articles",
        "tin mới nhất": "Latest news",
        "xem thêm": "See more",
        "đọc thêm": "Read more",
        "quảng cáo": "Advertisement",
        "đăng nhập": "Log in",
    },
}

# Marks that the article proper has ended: after one of these, short lines are site chrome.
TAIL_MARKERS = [
    r"the post .{3,400} appeared first on .{2,120}",
    r"about( the)? author",
    r"leave a (reply|comment)",
    r"related (content|stories|articles|posts)",
    r"(you (may|might) also like|more from .{1,40}|recommended( for you)?)",
    r"댓글( 쓰기| 달기)?",
    r"(tin|bài) liên quan",
    r"(featured|latest|most read|trending)( .{1,40})?",
]

# An author box under the article: "About Jane Doe" over her bio (roles.py checks that the
# bio names her). Case matters: the name is capitalised.
AUTHOR_BOX = r"^(?:About|ABOUT|Sobre|Über|Về|À propos de) (?P<name>[A-ZÀ-ÝĐ][\w'’.-]+(?: [A-ZÀ-ÝĐ][\w'’.-]+){1,3})$"

# A label over a short list of links to other stories, anywhere on the page (often inside
# the article, between two paragraphs): the short lines right under it are those links.
LINK_LIST_LABELS: dict[str, list[str]] = {
    "en": [
        r"(related|recommended|suggested|featured|popular|trending|latest|top|more|other|recent|similar)"
        r"( (news|stories|articles|posts|reads|reading|videos|links|coverage|content|headlines|on this( story| topic)?))?",
        r"(read|see|watch) (more|also|next)|see also|further reading|also read|must read|more (from|in|on) .{1,40}",
        r"(you (may|might|could) (also )?(like|enjoy|be interested in)|don['’]t miss( this)?|editor['’]?s? picks?)",
        r"(most (read|popular|viewed|shared|watched)|(top|more) stories|in (other|case you missed) .{0,20}|what to read next)",
    ],
    "ko": [r"(관련|추천|인기|많이 본|최신|주요) ?(기사|뉴스|글)", r"함께 (보면 좋은|읽으면 좋은|볼만한) ?(기사|뉴스)"],
    "vi": [r"(tin|bài|bài viết) (liên quan|cùng chuyên mục|đọc nhiều|xem nhiều|nổi bật|mới nhất|khác)", r"(xem|đọc) thêm"],
}

# A comment section opens here: everything after it is readers' text, not the article's,
# however long its lines (the article's text block never reaches past one).
COMMENT_MARKERS: dict[str, list[str]] = {
    "en": [
        r"(\d+ |top rated |latest |reader |readers['’] |show |view |load |post a )?comments?( \(\d+\)| \d+)?",
        r"leave a (reply|comment)",
        r"join the (conversation|discussion)",
        r"(add|post|write) (a|your) comment",
        r"(comments|commenting) (are|is) (closed|disabled)",
        r"(what do you think|have your say)\??",
        r"conversation",
        r"discussion( \(\d+\))?",
        r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten) (thoughts?|responses?|repl(y|ies)|reactions?|comments?)"
        r"( (on|to) .{1,200})?",
        r"(leave|post|submit|add|write) (a |your )?(reply|response|comment)s?( (to .{1,200}|cancel reply))?",
        r"cancel reply",
    ],
    "ko": [r"댓글( \d+개?)?( 쓰기| 달기| 작성)?", r"독자 ?의견"],
    "vi": [r"(\d+ )?bình luận", r"ý kiến (bạn đọc|của bạn)", r"gửi bình luận"],
}

# Controls that only a comment thread repeats under each comment ("Reply", "Jane says:"):
# after the article's text, the first of them means the readers' comments have begun.
COMMENT_ACTIONS: dict[str, list[str]] = {
    "en": [
        r"reply( ↓)?",
        r"(\d+ )?repl(y|ies)( \(\d+\))?",
        r"(view|show|hide|load|see) (all |more |\d+ )?(repl(y|ies)|comments?)",
        r"in reply to .{1,100}",
        r"report (abuse|comment|this comment)",
        r"(up|down)vote",
        r"reply to this comment",
    ],
    "ko": [r"답글( 달기| 쓰기| \d+)?", r"(댓글 )?신고"],
    "vi": [r"trả lời", r"(\d+ )?phản hồi"],
}
# The line that heads one comment ("Jane Doe says:"): the thread begins there.
COMMENT_HEADER = r".{1,60} (says|wrote)\s*:"

# Photo credits, as a whole line. The word for "photo" per language, then a colon.
CREDIT_WORDS = {
    "en": r"photo(graph)?s?|image(s)?( source)?|pictures?|credit|source|video|illustration|graphic",
    "vi": r"ảnh|nguồn|hình|video|đồ họa",
    "ko": r"사진|출처|영상|그래픽|자료",
}
# Credits that name their kind in words rather than with a colon: "Image copyright Getty
# Images", "Photo courtesy of the family", "사진=연합뉴스", "Ảnh minh họa".
CREDIT_PHRASES = [
    r"(photo(graph)?|image|picture|video|illustration|graphic|footage)s? (copyright|credit|courtesy|source)( of| by)?"
    r"\s*:?\s*\S.{0,100}",
    r"(photo |image |picture )?courtesy( of)? \S.{0,80}",
    r"(사진|자료|그래픽|영상)\s*[=ⓒ©]\s*\S.{0,60}",
    r"ảnh minh họa( .{0,60})?",
]
# Newsroom and agency names commonly found after a photographer's slash.
AGENCIES = (
    r"AP|AFP|Reuters|Getty Images|Getty|EPA|EPA-EFE|Yonhap|Xinhua|Bloomberg|NurPhoto|Shutterstock|"
    r"Anadolu|Kyodo|TTXVN|VNA|Newsis|News1|Pool|Handout|Zuma|Sipa|UPI|Alamy|iStock|"
    r"연합뉴스|뉴시스|뉴스1|AFP연합뉴스|AP연합뉴스|로이터|게티이미지"
)

# The same names as plain strings: a credit that ends in an agency ends in one of these (before
# any trailing punctuation), so a line that does not is never tried against those patterns.
AGENCY_NAMES = tuple(AGENCIES.split("|"))

# Lines that report who contributed or wrote: kept out of text_en as credits.
CONTRIBUTION_LINE = r"(.{1,80}?)(['’]s)? .{1,80} contributed (reporting |research )?to this (report|story|article).*"
# The literal every contribution line contains (lower case; tested on the case-folded line).
CONTRIBUTION_NEEDS = " contributed "
BYLINE_PREFIX = r"(by|written by|reporting by|words by|story by|bởi|theo)\s+"

# "The post <title> appeared first on <site>." gives the site name.
SITE_FROM_LINE = [
    r"the post .{3,400} appeared first on (?P<site>[^.]{2,80}?)\.?\s*$",
    r"(?P<site>[A-Z][\w&.\- ]{1,40}?)['’]s (?:[A-Z][\w.\-]+ ){1,4}contributed .{0,40}to this (?:report|story|article)",
    r"^(?:copyright\s*)?©\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?\s*)?(?P<site>[\w][\w&.\- ]{1,60}?)\.?\s*(?:all rights reserved.*)?$",
    r"^copyright\s+(?:\d{4}\s*)?(?P<site>[\w][\w&.\- ]{1,60}?)\.?\s*(?:all rights reserved.*)?$",
]
# A literal each SITE_FROM_LINE pattern needs (lower case, same order): a line without it is not searched.
SITE_FROM_LINE_NEEDLES = ("appeared first on", "contributed", "©", "copyright")
# "(Baonghean) - For the first time ..." : a source tag opening the first paragraph.
SITE_TAG_PREFIX = r"^\((?P<site>[A-Z][\w.&\- ]{1,40})\)\s*[-–—]\s+"
# "SEOUL, South Korea — ..." : a dateline opening the first paragraph.
DATELINE_PREFIX = r"^(?P<dateline>[A-Z][A-Z.'\- ]{1,40}(?:, [A-Z][\w.'\- ]{1,40})?)\s*(?:\([^)]{1,40}\)\s*)?[—–-]{1,2}\s+"

# A teaser in a list of other stories: a headline glued to its story's dateline and first
# words ("Schools reopen after storm NEW DELHI: All schools ...", also after a short
# abbreviation: "... from US NEW YORK: ..."). Case matters here.
TEASER_LINE = r"^.{10,200}(?:[a-z0-9'’)]|[a-z0-9'’):,] [A-Z]{2,3}) [A-Z]{3,}(?: [A-Z]{2,}){0,2}: [A-Z].{20,400}$"
TEASER_NEEDS = ": "  # the dateline's colon: a line without it is no teaser

# A photo credit at the end of a caption: "(Photo: AP)", "[Image by Jane Doe]", "... Ảnh: Reuters".
CREDIT_INLINE = (
    r"(?:\s*[(\[]\s*(?:photo|image|picture|credit)s?(?: by)?[:\s].{1,120}?[)\]]"
    r"|\s+(?:photo|image|ảnh|nguồn|사진)s?\s*[:：=]\s*[^.!?]{1,80}?)\s*$"
)
# Such a line ends with a closing bracket (first form) or has a colon (second form): a line
# with neither is not searched.
CREDIT_INLINE_ENDS = (")", "]")
CREDIT_INLINE_COLONS = (":", "：", "=")

# Corrupted placeholders left by broken templates in place of dates and numbers.
CORRUPTED_TOKEN = r"\b[A-Z]{2,8}_[A-Z0-9]{6,}\b"

# A Latin-script line is English for sure when these words carry it. Two tiers: words that
# are English and (practically) nothing else among the Latin-script languages a news scrape
# meets, and common function words that other languages share (German "in", "was", "will";
# French "on"; Spanish "he", "no"). A line needs at least one distinctive word.
ENGLISH_DISTINCTIVE_WORDS = frozenset(
    ["the", "of", "and", "is", "were", "with", "that", "for", "has", "have", "had", "are", "been", "which", "this", "from", "their", "they", "she", "his", "its", "it", "who", "what", "would", "could", "should", "said", "says", "after", "about", "there", "these", "those", "when", "while", "because", "you", "your", "them", "him", "does", "did", "than", "into", "through", "where", "how", "why", "being", "before", "between", "during", "against", "other", "some", "such", "only", "any", "our", "not", "can",
     "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
ENGLISH_FUNCTION_WORDS = ENGLISH_DISTINCTIVE_WORDS | frozenset(
    ["to", "by", "he", "an", "or", "be", "at", "as", "on", "in", "we", "so", "no", "up", "out", "do", "if", "then", "new", "first", "two", "one", "a", "was", "will", "also", "all", "over", "under", "but", "more", "most", "her"]
)

# Function words of other Latin-script languages, for short lines inside an English article:
# "Une enquête a été ouverte." has no English word and two French ones, so it is not English
# even though it is short. Words that are also English ("a", "in", "am", "per", "die") are
# left out: they prove nothing here.
FOREIGN_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "fr": "le la les un une des du de au aux et est sont était été être avec pour dans sur par qui que pas ne il elle ils nous vous leur ses son sa ce cette ces mais ou où plus très après avant aussi comme lui",
        "es": "el la los las un una unos unas del al y es son fue era está están con para por en que se su sus lo le les pero muy más también como sin sobre entre hasta desde",
        "de": "der das den dem des ein eine einen einem einer und ist sind war waren wurde wurden mit für auf von zu im nicht sich auch es er sie wir ihr bei nach aus um über durch",
        "it": "il lo la gli le un una uno del della dei delle è sono era con che non si di da al alla anche come più",
        "pt": "os um uma do da dos das é são foi era com para por em que não se ao à na nas nos também mais como",
        "nl": "de het een en zijn waren met voor op van te dat niet zich ook er hij zij bij naar uit om door",
        "id": "dan yang di ke dari ini itu dengan untuk tidak ada akan dalam pada adalah sebuah tersebut oleh atau juga telah sudah belum karena",
    }.items()
}

# Lower-case words that open a name in English text too (`de Gaulle`, `van Gogh`, `al-Assad`):
# before a capitalised word they are not evidence of another language.
NAME_PARTICLES = frozenset(["de", "da", "di", "do", "dos", "das", "du", "del", "della", "des", "van", "von", "la", "le", "al", "bin", "ibn", "ter", "ten"])

# Vietnamese evidence. Letters only Vietnamese writes (horn vowels, dot-below and hook-above
# tones, đ, ĩ ũ ỹ), and the shape of a Vietnamese syllable, which tells "tác", "sân", "và"
# (Vietnamese) from "été", "más", "très" (not) when the letters alone are shared.
VI_LETTERS = (
    "ơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũđ"
    "ƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĨŨĐ"
)
VI_SYLLABLE = (
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?:uyê|uya|uyu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|yêu|iêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi"
    r"|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y)"
    r"(?:ch|ng|nh|[cmnpt])?"
)

_LEADING_ANY = re.compile(r"^\.\{\d+,\d+\}")
_TRAILING_ANY = re.compile(r"(?:\.\{\d+,\d+\}|\.\*)$")


def _top_level_alternation(pattern: str) -> bool:
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


def _core(pattern: str) -> str | None:
    """`.{0,200}\\b(we may earn ...).{0,300}` -> `\\b(we may earn ...)`: what a line that matches
    must contain somewhere; None for a pattern anchored at the line's start."""
    if not _LEADING_ANY.match(pattern) or _top_level_alternation(pattern):
        return None
    return _TRAILING_ANY.sub("", _LEADING_ANY.sub("", pattern))


def _whole_line(patterns: list[str]) -> re.Pattern:
    return re.compile(r"^\W*(?:" + "|".join(patterns) + r")\W*$", re.IGNORECASE)


def _compile_boilerplate() -> tuple[LineMatcher, Gate, re.Pattern]:
    """Whole-line boilerplate in two parts, for speed: patterns anchored at the line's start
    (a line tries only those that can start with its first characters and be as long as
    it), and patterns that look for words anywhere in the line (a `.{0,N}` scan each),
    tried only when a quick search of the lower-cased line finds those words."""
    pats = [p for ps in BOILERPLATE_LINES.values() for p in ps]
    anchored = [p for p in pats if _core(p) is None]
    anywhere = [p for p in pats if _core(p) is not None]
    cores = [_core(p) for p in anywhere]
    # The quick search runs on the lower-cased line: faster than IGNORECASE, and the same as
    # long as the words it looks for are written in lower case.
    assert not any(re.search(r"(?<!\\)[A-Z]", c) for c in cores), "write anywhere-patterns in lower case"
    return LineMatcher(anchored), Gate(cores), _whole_line(anywhere)


COMPILED = {
    "boilerplate": _compile_boilerplate(),
    "tail": re.compile(r"^\W*(?:" + "|".join(TAIL_MARKERS) + r")\W*$", re.IGNORECASE),
    "author_box": re.compile(AUTHOR_BOX),
    "link_list_label": re.compile(
        r"^\W*(?:" + "|".join(p for pats in LINK_LIST_LABELS.values() for p in pats) + r")\W*$", re.IGNORECASE
    ),
    "comment_action": re.compile(
        r"^\W*(?:" + "|".join(p for pats in COMMENT_ACTIONS.values() for p in pats) + r")\W*$", re.IGNORECASE
    ),
    "comment_header": re.compile(r"^\W*(?:" + COMMENT_HEADER + r")\W*$", re.IGNORECASE),
    "comments": re.compile(
        r"^\W*(?:" + "|".join(p for pats in COMMENT_MARKERS.values() for p in pats) + r")\W*$", re.IGNORECASE
    ),
    "credit_line": re.compile(
        r"^\W*(?:" + "|".join(CREDIT_WORDS.values()) + r")\s*(?:by\s+)?[:：]\s*\S.{0,120}$", re.IGNORECASE
    ),
    "credit_phrase": re.compile(r"^\W*(?:" + "|".join(CREDIT_PHRASES) + r")\W*$", re.IGNORECASE),
    "credit_slash": re.compile(
        r"^[\w .'’\-]{2,60}\s?/\s?(?:" + AGENCIES + r"|[A-Z][A-Za-z]{1,20})(?:\s?(?:via|/|,)\s?[\w .\-]{1,40})?\W*$"
    ),
    "credit_agency_only": re.compile(r"^\W*(?:" + AGENCIES + r")\W*$"),
    # "Sonu Mehta/Hindustan Times/Getty Images", "Michael Conroy, AP", "Jane Doe for The Times"
    "credit_name_agency": re.compile(
        r"^[\w .'’\-]{2,60}(?:\s?[/|]\s?[\w .&'’\-]{2,40})*\s?(?:/|\||,|\bfor\b|\bvia\b)\s?(?:" + AGENCIES + r")\W*$"
    ),
    "credit_inline": re.compile(CREDIT_INLINE, re.IGNORECASE),
    "contribution": re.compile(r"^" + CONTRIBUTION_LINE + r"$", re.IGNORECASE),
    "byline_prefix": re.compile(r"^" + BYLINE_PREFIX, re.IGNORECASE),
    "site_from_line": [re.compile(p, re.IGNORECASE) for p in SITE_FROM_LINE],
    "site_tag_prefix": re.compile(SITE_TAG_PREFIX),
    "dateline_prefix": re.compile(DATELINE_PREFIX),
    "corrupted_token": re.compile(CORRUPTED_TOKEN),
    "teaser": re.compile(TEASER_LINE),
    "vi_syllable": re.compile(VI_SYLLABLE),
}
