"""Cleaning of article fields: text, dates, URLs, outlets and stable ids."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from index.types import Article, stable_hash

OUTLETS = {
    "abcnews.go.com": "ABC News", "aljazeera.com": "Al Jazeera", "bbc.co.uk": "BBC",
    "bbc.com": "BBC", "cnn.com": "CNN", "dw.com": "DW", "rte.ie": "RTÉ", "tass.com": "TASS",
    "chinadaily.com.cn": "China Daily", "huffingtonpost.com": "HuffPost", "reuters.com": "Reuters",
    "apnews.com": "AP", "nytimes.com": "The New York Times", "theguardian.com": "The Guardian",
    "washingtonpost.com": "The Washington Post", "usatoday.com": "USA Today", "npr.org": "NPR",
    "theweek.com": "The Week", "foxnews.com": "Fox News", "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News", "bloomberg.com": "Bloomberg", "ft.com": "Financial Times",
    "wsj.com": "The Wall Street Journal", "politico.com": "Politico", "axios.com": "Axios",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")
_YMD = re.compile(r"^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T].*)?$")


def clean_text(text: str) -> str:
    """NFC-normalize, drop control and bidi characters, collapse spaces; keep paragraphs."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def clean_title(title: str) -> str:
    """A title on one line."""
    return " ".join(clean_text(title).split())


def parse_date(value: object) -> date | None:
    """A publication date from ISO, Y/M/D (with time), RFC 2822 or a date; None for empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if m := _YMD.match(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"unreadable date {text[:40]!r}: use YYYY-MM-DD") from None


def canonical_url(url: str | None) -> str | None:
    """The URL without fragment, default port or a trailing slash; None when empty."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url[:60]!r}")
    netloc = parts.netloc.lower().removesuffix(":80").removesuffix(":443")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def outlet_from_url(url: str | None) -> str | None:
    """A readable outlet name for a URL's host (known outlets by name, others by host)."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    for known, name in OUTLETS.items():
        if host == known or host.endswith("." + known):
            return name
    return host or None


def make_article(*, title: str, text: str, url: str | None = None, source: str | None = None,
                 published: object = None, authors: tuple[str, ...] = (), origin: str = "",
                 id: str | None = None) -> Article:
    """Validate and normalize raw fields into an Article; raises ValueError naming the field."""
    body = clean_text(text or "")
    if not body:
        raise ValueError("field 'text' is empty: every article needs a body")
    head = clean_title(title or "")
    if not head:
        head = first_sentence(body)
    try:
        curl = canonical_url(url)
    except ValueError as e:
        raise ValueError(f"field 'url': {e}") from None
    try:
        day = parse_date(published)
    except ValueError as e:
        raise ValueError(f"field 'published': {e}") from None
    outlet = clean_title(source) if source and source.strip() else outlet_from_url(curl)
    article_id = id or (stable_hash("url", curl) if curl else stable_hash("text", head, body))
    return Article(id=article_id, title=head, text=body, url=curl, source=outlet, published=day,
                   authors=tuple(a for a in (clean_title(x) for x in authors) if a), origin=origin)


def first_sentence(text: str, limit: int = 120) -> str:
    """The first sentence of a text, cut to a title's length."""
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def repair_quote_mojibake(text: str) -> str:
    """Restore what news-articles-2017 turned into '"?' (a curly quote or dash and the space after it)."""
    text = re.sub(r'(?<=[.,!?;:])"\?(?=\S)', '" ', text)
    text = re.sub(r'(?<=s)"\?(?=\w)', "' ", text)  # possessive plural: teachers' unions
    text = re.sub(r'(?<=\w)"\?(?=\w)', '" ', text)
    text = re.sub(r'(?<=\s)"\?(?=\w)', "— ", text)
    text = text.replace('"?', '"')
    text = re.sub(r'(?<=\w)"(?=(?:s|t|re|ll|ve|d|m)\b)', "'", text)  # didn"t -> didn't
    # DW's share bar, flattened into the body
    return re.sub(r"\s*-?\s*Send Facebook Twitter Google\+.{0,80}?Permalink\s+\S+\s*", " ", text)
