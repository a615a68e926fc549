"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates fused by reciprocal rank."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from index.embeddings import Embedder
from index.store import Filters, Store, number_day
from index.types import Passage

RRF_K = 60


def rrf(rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None, k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each id scores the sum of weight / (k + rank) over the rankings."""
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + w / (k + rank)
    return scores


def recency_boost(published: date | None, today: date | None, weight: float, days: float) -> float:
    """The factor a passage's fused score is multiplied by: 1 + weight·e^(−distance/days), the distance
    in days between its date and the day asked about (either side); 1 when undated."""
    if today is None or published is None or weight <= 0:
        return 1.0
    return 1.0 + weight * math.exp(-abs((today - published).days) / days)


def period_boost(published: date | None, period: tuple[date, date] | None, weight: float) -> float:
    """The factor for a passage inside the period the question names: 1 + weight, else 1."""
    if period is None or published is None or weight <= 0:
        return 1.0
    return 1.0 + weight if period[0] <= published <= period[1] else 1.0


def collapse(ranked: Sequence[str], article_of: Callable[[str], str], per_article: int) -> list[str]:
    """The ranking with at most `per_article` chunks of any one article."""
    seen: dict[str, int] = {}
    out = []
    for cid in ranked:
        a = article_of(cid)
        if seen.get(a, 0) < per_article:
            seen[a] = seen.get(a, 0) + 1
            out.append(cid)
    return out


class HybridRetriever:
    """Dense and BM25 search over one Store, fused, filtered, collapsed per article."""

    def __init__(self, store: Store, embedder: Embedder | Callable[[], Embedder], candidates: int = 40,
                 per_article: int = 2, mode: str = "hybrid", recency_weight: float = 0.0,
                 recency_days: float = 30.0, dense_weight: float = 1.0, period_weight: float = 0.0):
        self.store, self._embedder = store, embedder
        self.candidates, self.per_article, self.mode = candidates, per_article, mode
        self.recency_weight, self.recency_days, self.dense_weight = recency_weight, recency_days, dense_weight
        self.period_weight = period_weight

    @property
    def embedder(self) -> Embedder:
        """The embedder, loaded on first use."""
        if callable(self._embedder) and not hasattr(self._embedder, "embed_query"):
            self._embedder = self._embedder()
        return self._embedder  # type: ignore[return-value]

    def retrieve(self, query: str, k: int, filters: Filters | None = None, today: date | None = None,
                 period: tuple[date, date] | None = None) -> list[Passage]:
        """The k best passages for a query, best first, with per-retriever scores.

        With `today`, fresher passages are preferred (news asked "as of" a day is mostly about that week);
        with `period`, passages published in it are.
        """
        n = max(self.candidates, k * 4)
        dense = self.store.dense_hits(self.embedder.embed_query(query), n, filters) if self.mode != "bm25" else []
        lexical = self.store.lexical_hits(query, n, filters) if self.mode != "dense" else []
        snap = self.store.snapshot()
        kept = self.fuse([cid for cid, _ in dense], [cid for cid, _ in lexical], lambda cid: number_day(snap.day(cid)),
                         snap.article, k, today, period)
        chunks = self.store.get_chunks([cid for cid, _, _ in kept])  # only the k kept are read from Chroma
        dense_scores, bm25_scores = dict(dense), dict(lexical)
        return [Passage(chunk=chunks[cid], score=score, rank=rank,
                        scores={"rrf": score, "dense": dense_scores.get(cid, 0.0),
                                "bm25": bm25_scores.get(cid, 0.0), "date": boost})
                for rank, (cid, score, boost) in enumerate([x for x in kept if x[0] in chunks], start=1)]

    def fuse(self, dense: Sequence[str], lexical: Sequence[str], published: Callable[[str], date | None],
             article_of: Callable[[str], str], k: int, today: date | None = None,
             period: tuple[date, date] | None = None) -> list[tuple[str, float, float]]:
        """(id, fused score, date factor) of the k best of two rankings: weighted RRF, times the recency
        and period factors, at most `per_article` ids of one article."""
        fused = rrf([dense, lexical], [self.dense_weight, 1.0])
        boost = {cid: recency_boost(published(cid), today, self.recency_weight, self.recency_days)
                 * period_boost(published(cid), period, self.period_weight) for cid in fused}
        fused = {cid: s * boost[cid] for cid, s in fused.items()}
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        return [(cid, fused[cid], boost[cid]) for cid in collapse(ranked, article_of, self.per_article)[:k]]


def passage_document(p: Passage):
    """A retrieved passage as a LangChain Document."""
    from langchain_core.documents import Document

    c = p.chunk
    return Document(id=c.id, page_content=c.text,
                    metadata={"chunk_id": c.id, "article_id": c.article_id, "title": c.title,
                              "source": c.source, "url": c.url, "rank": p.rank, "score": p.score,
                              "published": c.published.isoformat() if c.published else None})


def langchain_retriever(assistant: Any, k: int | None = None, filters: Filters | None = None):
    """An `Assistant`'s retrieval as a LangChain BaseRetriever, for users' own chains."""
    from langchain_core.retrievers import BaseRetriever

    class NewsRetriever(BaseRetriever):
        """newsqa hybrid retrieval (dense + BM25, fused, time-aware)."""

        def _get_relevant_documents(self, query: str, *, run_manager: Any = None):
            return [passage_document(p) for p in assistant.retrieve(query, k=k, filters=filters)]

    return NewsRetriever()
