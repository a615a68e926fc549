"""Articles from the web: pages by URL or HTML file (trafilatura), and RSS/Atom feeds (feedparser)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from index.normalize import make_article
from index.types import Article, Rejection

MAX_BYTES = 5_000_000
TIMEOUT = 20.0
USER_AGENT = "newsqa/0.1 (+https://github.com/newsqa)"
MIN_FEED_TEXT = 400  # a feed entry shorter than this is a teaser: fetch the page it links to


def fetch(url: str, timeout: float = TIMEOUT) -> bytes:
    """The body of an http(s) URL, at most MAX_BYTES; raises ValueError with a one-line reason."""
    import httpx

    if not url.startswith(("http://", "https://")):
        raise ValueError("only http:// and https:// URLs can be fetched")
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True,
                          headers={"User-Agent": USER_AGENT}) as resp:
            if resp.status_code >= 400:
                raise ValueError(f"the server answered HTTP {resp.status_code}")
            body = b""
            for part in resp.iter_bytes():
                body += part
                if len(body) > MAX_BYTES:
                    raise ValueError(f"the page is larger than {MAX_BYTES // 1_000_000} MB")
            return body
    except httpx.HTTPError as e:
        raise ValueError(f"cannot fetch ({type(e).__name__})") from None


def article_from_html(html: str | bytes, url: str | None, origin: str) -> Article | Rejection:
    """The main text and metadata of a page, or a Rejection saying why there is none."""
    import trafilatura

    raw = trafilatura.extract(html, url=url, output_format="json", with_metadata=True,
                              include_comments=False, include_tables=False)
    if not raw:
        return Rejection(origin, "no article text found in the page")
    meta = json.loads(raw)
    try:
        return make_article(title=meta.get("title") or "", text=meta.get("text") or "",
                            url=url or meta.get("url") or None,
                            source=meta.get("sitename") or None, published=meta.get("date"),
                            authors=tuple(a.strip() for a in (meta.get("author") or "").split(";") if a.strip()),
                            origin=origin)
    except ValueError as e:
        return Rejection(origin, str(e))


def load_html_file(path: Path, data: bytes) -> Iterator[Article | Rejection]:
    """One article from a saved HTML page."""
    yield article_from_html(data, None, str(path))


def load_url(url: str) -> Article | Rejection:
    """One article fetched from a URL."""
    try:
        return article_from_html(fetch(url), url, url)
    except ValueError as e:
        return Rejection(url, str(e))


def load_feed(source: str) -> Iterator[Article | Rejection]:
    """Articles of an RSS/Atom feed (URL or file): the entry's own text, or the page it links to."""
    import feedparser

    try:
        data = fetch(source) if source.startswith(("http://", "https://")) else Path(source).read_bytes()
    except (ValueError, OSError) as e:
        yield Rejection(source, f"cannot read feed: {e}")
        return
    feed = feedparser.parse(data)
    if not feed.entries:
        reason = f"not a feed ({feed.bozo_exception})" if feed.bozo else "the feed has no entries"
        yield Rejection(source, reason)
        return
    outlet = feed.feed.get("title") or None
    for i, entry in enumerate(feed.entries, start=1):
        where = f"{source}#{i}"
        link = entry.get("link")
        body = " ".join(c.get("value", "") for c in entry.get("content", [])) or entry.get("summary", "")
        text = _html_to_text(body)
        if len(text) < MIN_FEED_TEXT and link:
            page = load_url(link)
            if isinstance(page, Article):
                yield make_article(title=entry.get("title") or page.title, text=page.text, url=link,
                                   source=outlet or page.source,
                                   published=entry.get("published") or entry.get("updated") or page.published,
                                   origin=where)
                continue
        try:
            yield make_article(title=entry.get("title") or "", text=text, url=link, source=outlet,
                               published=entry.get("published") or entry.get("updated"), origin=where)
        except ValueError as e:
            yield Rejection(where, str(e))


def _html_to_text(fragment: str) -> str:
    import html
    import re

    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", fragment, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>|</p>", "\n\n", text, flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", text)).strip()
