"""Pure rendering of answers and sources to HTML; article text is data, always escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from assistant.citations import Citation
from index.types import Passage

_MARK = re.compile(r"\[(\d{1,2})\]")


def esc(text: object) -> str:
    """HTML-escaped text (quotes too)."""
    return html.escape(str(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None (no javascript: links)."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def answer_html(text: str) -> str:
    """The answer escaped, its [n] markers as links to the sources panel."""
    escaped = esc(text).replace("\n", "<br>")
    return _MARK.sub(lambda m: f'<a class="cite" href="#source-{m[1]}">[{m[1]}]</a>', escaped)


def highlight(passage: str, sentence: str) -> str:
    """The passage escaped, with the cited sentence marked."""
    if sentence and sentence in passage:
        i = passage.index(sentence)
        return esc(passage[:i]) + "<mark>" + esc(sentence) + "</mark>" + esc(passage[i + len(sentence):])
    return esc(passage)


def citation_card(c: Citation) -> str:
    """One cited passage: title, outlet, date, link and the passage with its cited sentence marked."""
    meta = " · ".join(esc(x) for x in (c.source, c.published.isoformat() if c.published else None) if x)
    url = safe_url(c.url)
    link = f' · <a href="{esc(url)}" target="_blank" rel="noopener noreferrer">open article</a>' if url else ""
    return (f'<details class="source" id="source-{c.n}" open><summary><b>[{c.n}]</b> {esc(c.title)}</summary>'
            f'<div class="meta">{meta}{link}</div><p class="passage">{highlight(c.quote, c.highlight)}</p></details>')


def sources_html(citations: Sequence[Citation], passages: Sequence[Passage] = ()) -> str:
    """The sources panel: cited passages, then the other retrieved ones by title."""
    if not citations and not passages:
        return '<div class="sources empty">Sources of the answer appear here.</div>'
    parts = ['<div class="sources">']
    parts += [citation_card(c) for c in citations]
    seen = {c.article_id for c in citations}
    others = []
    for p in passages:
        if p.chunk.article_id not in seen:
            seen.add(p.chunk.article_id)
            others.append(esc(p.chunk.title) + (f" ({esc(p.chunk.source)})" if p.chunk.source else ""))
    if others:
        parts.append('<div class="others">Also retrieved: ' + "; ".join(others) + "</div>")
    parts.append("</div>")
    return "".join(parts)


def stats_html(stats: dict) -> str:
    """One unobtrusive line: articles, passages, outlets, date range and what answers."""
    span = f", {esc(stats['earliest'])} to {esc(stats['latest'])}" if stats.get("earliest") else ""
    return (f'<div class="corpus">{stats["articles"]} articles ({stats["chunks"]} passages) from '
            f'{len(stats["outlets"])} outlets{span} · answers by {esc(stats.get("llm", ""))}</div>')
