"""A BM25 index (bm25s) over the chunks of a collection, persisted beside it and rebuilt when stale."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

STATE = "state.json"


def tokenize(texts: list[str]):
    """English tokens: lower-cased, stop words dropped, Snowball-stemmed."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False)


@dataclass
class LexicalIndex:
    """BM25 over chunk texts, with per-chunk day, outlet and article arrays for filters and stats."""

    generation: str
    ids: list[str]
    days: np.ndarray
    sources: np.ndarray
    retriever: object | None
    articles: list[str] = field(default_factory=list)  # the article of each chunk
    outlets: list[str] = field(default_factory=list)  # its outlet as shown to readers

    @classmethod
    def build(cls, generation: str, ids: list[str], texts: list[str], days: list[int],
              sources: list[str], articles: list[str] | None = None,
              outlets: list[str] | None = None) -> LexicalIndex:
        """Index the given chunks (an empty corpus gives an index that finds nothing)."""
        retriever = None
        if ids:
            import bm25s

            retriever = bm25s.BM25()
            retriever.index(tokenize(texts), show_progress=False)
        return cls(generation, list(ids), np.asarray(days, dtype=np.int64),
                   np.asarray(sources, dtype=object), retriever, list(articles or []), list(outlets or []))

    def stats(self) -> dict:
        """Articles, outlets (articles each) and the date range, from the per-chunk arrays."""
        first: dict[str, int] = {}
        for i, a in enumerate(self.articles):
            first.setdefault(a, i)
        outlets: dict[str, int] = {}
        for i in first.values():
            name = self.outlets[i] or "unknown"
            outlets[name] = outlets.get(name, 0) + 1
        from index.store import number_day

        dated = self.days[self.days > 0]
        return {"articles": len(first), "outlets": dict(sorted(outlets.items(), key=lambda kv: -kv[1])),
                "earliest": number_day(int(dated.min())).isoformat() if dated.size else None,
                "latest": number_day(int(dated.max())).isoformat() if dated.size else None}

    def search(self, query: str, k: int, since: int | None = None, until: int | None = None,
               sources: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best k chunks that pass the filters, best first."""
        if self.retriever is None or k <= 0:
            return []
        mask = np.ones(len(self.ids), dtype=bool)
        if since is not None:
            mask &= self.days >= since
        if until is not None:
            mask &= self.days <= until
        if sources:
            mask &= np.isin(self.sources, list(sources))
        allowed = int(mask.sum())
        tokens = tokenize([query])
        if allowed == 0 or not tokens.ids or not tokens.ids[0]:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(k, allowed), show_progress=False,
                                               weight_mask=None if mask.all() else mask.astype(np.float32))
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0 and mask[int(d)]]

    def save(self, folder: Path) -> None:
        """Write atomically: a new folder swapped in, so readers never see half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"), show_progress=False)
        np.save(tmp / "days.npy", self.days)
        (tmp / "meta.json").write_text(json.dumps({"ids": self.ids, "sources": list(self.sources),
                                                   "articles": self.articles, "outlets": self.outlets}))
        (tmp / STATE).write_text(json.dumps({"generation": self.generation, "count": len(self.ids)}))
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index, or None when absent or unreadable (it is then rebuilt)."""
        try:
            state = json.loads((folder / STATE).read_text())
            meta = json.loads((folder / "meta.json").read_text())
            fields = (state["generation"], meta["ids"], meta["sources"], meta["articles"], meta["outlets"])
            days = np.load(folder / "days.npy")
            retriever = None
            if meta["ids"]:
                import bm25s

                retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False, mmap=False)
        except (OSError, ValueError, KeyError):
            return None  # absent, torn, or saved by an older version: rebuilt from Chroma
        generation, ids, sources, articles, outlets = fields
        return cls(generation, ids, days, np.asarray(sources, dtype=object), retriever, articles, outlets)
