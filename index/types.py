"""The small frozen records that flow through newsqa."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


def stable_hash(*parts: str, n: int = 16) -> str:
    """Hex digest of the parts, stable across runs and machines."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:n]


@dataclass(frozen=True)
class Article:
    """One news article as loaded, normalized, with where it came from."""

    id: str
    title: str
    text: str
    url: str | None = None
    source: str | None = None
    published: date | None = None
    authors: tuple[str, ...] = ()
    origin: str = ""  # file and line it was read from, for reports

    @property
    def content_hash(self) -> str:
        """Hash of what is embedded: a changed title or body changes it."""
        return stable_hash(self.title, self.text, self.url or "", self.source or "",
                           self.published.isoformat() if self.published else "")

    @property
    def text_hash(self) -> str:
        """Hash of the body alone, to spot the same text under another URL."""
        return stable_hash(" ".join(self.text.lower().split()))


@dataclass(frozen=True)
class Chunk:
    """A piece of an article, the unit that is embedded and retrieved."""

    id: str
    article_id: str
    position: int
    text: str
    title: str
    source: str | None = None
    url: str | None = None
    published: date | None = None

    @property
    def embed_text(self) -> str:
        """What the embedding and lexical models see: the title, then the passage."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and rank (1-based)."""

    chunk: Chunk
    score: float
    rank: int
    scores: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Rejection:
    """An input record that could not be ingested, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"
