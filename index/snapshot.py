"""What a process keeps in memory of one generation of a collection: BM25, the vectors, per-chunk fields.

Persisted beside the collection (or in the cache for a server) and rebuilt when another writer changed it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

STATE = "state.json"
COARSE_POOL = 300  # rows found with bfloat16 scores, then rescored in float32


def tokenize(texts: list[str]):
    """English tokens: lower-cased, stop words dropped, Snowball-stemmed."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False)


@dataclass
class Snapshot:
    """BM25 over chunk texts and their unit vectors, with per-chunk day, outlet and article arrays."""

    generation: str
    ids: list[str]
    days: np.ndarray
    sources: np.ndarray
    retriever: object | None
    articles: list[str] = field(default_factory=list)  # the article of each chunk
    outlets: list[str] = field(default_factory=list)  # its outlet as shown to readers
    vectors: np.ndarray | None = None  # float32, one unit row per chunk; None: dense search stays in Chroma
    _pos: dict[str, int] | None = field(default=None, repr=False)
    _matrices: tuple | None = field(default=None, repr=False)

    @classmethod
    def build(cls, generation: str, ids: list[str], texts: list[str], days: list[int],
              sources: list[str], articles: list[str] | None = None,
              outlets: list[str] | None = None, vectors: np.ndarray | None = None) -> Snapshot:
        """Index the given chunks (an empty corpus gives an index that finds nothing)."""
        retriever = None
        if ids:
            import bm25s

            retriever = bm25s.BM25()
            retriever.index(tokenize(texts), show_progress=False)
        return cls(generation, list(ids), np.asarray(days, dtype=np.int64),
                   np.asarray(sources, dtype=object), retriever, list(articles or []), list(outlets or []),
                   None if vectors is None else np.ascontiguousarray(vectors, dtype=np.float32))

    def position(self, chunk_id: str) -> int | None:
        """The row of a chunk id (None: written after this snapshot was taken)."""
        if self._pos is None:
            self._pos = {cid: i for i, cid in enumerate(self.ids)}
        return self._pos.get(chunk_id)

    def day(self, chunk_id: str) -> int:
        """The chunk's publication day as YYYYMMDD (0: undated or unknown here)."""
        i = self.position(chunk_id)
        return 0 if i is None else int(self.days[i])

    def article(self, chunk_id: str) -> str:
        """The article a chunk belongs to (chunk ids are '<article id>:<position>')."""
        i = self.position(chunk_id)
        return self.articles[i] if i is not None and self.articles else chunk_id.rsplit(":", 1)[0]

    def mask(self, since: int | None = None, until: int | None = None,
             sources: set[str] | None = None) -> np.ndarray | None:
        """Which chunks pass the filters (None: all of them)."""
        if since is None and until is None and not sources:
            return None
        mask = np.ones(len(self.ids), dtype=bool)
        if since is not None:
            mask &= self.days >= since
        if until is not None:
            mask &= self.days <= until
        if sources:
            mask &= np.isin(self.sources, list(sources))
        return mask

    def dense(self, vector, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks that pass the mask, best first.

        Scored in torch, so the product shares the embedding model's threads rather than fighting
        BLAS threads for the cores. Where the CPU computes bfloat16, a bfloat16 copy finds the best
        `COARSE_POOL` rows (half the memory to read) and those are rescored exactly in float32."""
        if self.vectors is None or not len(self.ids) or k <= 0:
            return []
        allowed = len(self.ids) if mask is None else int(mask.sum())
        k = min(k, allowed)
        if k <= 0:
            return []
        import torch

        full, coarse = self._torch_matrices()
        q = torch.from_numpy(np.asarray(vector, dtype=np.float32))
        pool = max(COARSE_POOL, 3 * k)
        if coarse is not None and allowed > pool:
            rough = (coarse @ q.to(torch.bfloat16)).float().numpy()
            if mask is not None:
                rough = np.where(mask, rough, -np.inf)
            rows = np.argpartition(-rough, pool - 1)[:pool]
            scores = (full[torch.from_numpy(rows)] @ q).numpy()
        else:
            rows = np.arange(len(self.ids))
            scores = (full @ q).numpy()
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[int(rows[i])], float(scores[i])) for i in top]

    def _torch_matrices(self) -> tuple:
        """The vectors as a torch view, and a bfloat16 copy where the CPU computes bfloat16 natively."""
        if self._matrices is None:
            import torch

            from index.embeddings import cpu_has_bf16

            full = torch.from_numpy(self.vectors)
            self._matrices = (full, full.to(torch.bfloat16) if cpu_has_bf16() else None)
        return self._matrices

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

    def lexical(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best k chunks that pass the mask, best first."""
        if self.retriever is None or k <= 0:
            return []
        allowed = len(self.ids) if mask is None else int(mask.sum())
        tokens = tokenize([query])
        if allowed == 0 or not tokens.ids or not tokens.ids[0]:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(k, allowed), show_progress=False,
                                               weight_mask=None if mask is None else mask.astype(np.float32))
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0])
                if s > 0 and (mask is None or mask[int(d)])]

    def save(self, folder: Path) -> None:
        """Write atomically: a new folder swapped in, so readers never see half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=folder.parent))
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"), show_progress=False)
        np.save(tmp / "days.npy", self.days)
        if self.vectors is not None:
            np.save(tmp / "vectors.npy", self.vectors)
        (tmp / "meta.json").write_text(json.dumps({"ids": self.ids, "sources": list(self.sources),
                                                   "articles": self.articles, "outlets": self.outlets}))
        (tmp / STATE).write_text(json.dumps({"generation": self.generation, "count": len(self.ids)}))
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, vectors: bool = True) -> Snapshot | None:
        """The saved snapshot, or None when absent, unreadable or without the vectors asked for (it is
        then rebuilt)."""
        try:
            state = json.loads((folder / STATE).read_text())
            meta = json.loads((folder / "meta.json").read_text())
            fields = (state["generation"], meta["ids"], meta["sources"], meta["articles"], meta["outlets"])
            days = np.load(folder / "days.npy")
            matrix = np.load(folder / "vectors.npy") if vectors and meta["ids"] else None
            if matrix is not None and len(matrix) != len(meta["ids"]):
                return None
            retriever = None
            if meta["ids"]:
                import bm25s

                retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False, mmap=False)
        except (OSError, ValueError, KeyError):
            return None  # absent, torn, or saved by an older version: rebuilt from Chroma
        generation, ids, sources, articles, outlets = fields
        return cls(generation, ids, days, np.asarray(sources, dtype=object), retriever, articles, outlets, matrix)
