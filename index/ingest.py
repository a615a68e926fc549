"""Load → normalize → dedupe → chunk → embed → upsert, with a report of what happened to each input."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from index.chunking import CHUNK_OVERLAP, CHUNK_SIZE, make_splitter, chunk_article
from index.embeddings import Embedder
from index.loaders import load_paths
from index.store import Store, chunk_metadata
from index.types import Article, Chunk, Rejection

ARTICLE_BATCH = 64
EMBED_BATCH = 256
Progress = Callable[[int], None]  # called with the number of chunks just embedded


@dataclass
class IngestReport:
    """What an ingest did: counts, rejected inputs with reasons, and timings."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    chunks_written: int = 0
    chunks_deleted: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no input was rejected."""
        return not self.rejected

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "duplicates": self.duplicates, "chunks_written": self.chunks_written,
                "chunks_deleted": self.chunks_deleted, "rejected": [str(r) for r in self.rejected],
                "seconds": round(self.seconds, 2), "embed_seconds": round(self.embed_seconds, 2)}

    def summary(self) -> str:
        """One line for people."""
        rate = f", {self.chunks_written / self.embed_seconds:.1f} chunks/s" if self.embed_seconds > 0 else ""
        return (f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
                f"duplicates {self.duplicates}, rejected {len(self.rejected)}; "
                f"{self.chunks_written} chunks written in {self.seconds:.1f} s{rate}")


class Ingestor:
    """Writes articles into a Store: only new or changed ones are chunked and embedded."""

    def __init__(self, store: Store, embedder: Embedder | Callable[[], Embedder],
                 chunk_size: int = CHUNK_SIZE, chunk_overlap: int = CHUNK_OVERLAP,
                 progress: Progress | None = None):
        self.store = store
        self._embedder = embedder
        self.splitter = make_splitter(chunk_size, chunk_overlap)
        self.progress = progress

    @property
    def embedder(self) -> Embedder:
        """The embedder, loaded on first use so an ingest with nothing new loads no model."""
        if callable(self._embedder) and not hasattr(self._embedder, "embed_documents"):
            self._embedder = self._embedder()
        return self._embedder  # type: ignore[return-value]

    def ingest_paths(self, paths: Iterable[str | Path], mapping: Mapping[str, str] | None = None) -> IngestReport:
        """Ingest files and folders."""
        return self.ingest(load_paths(paths, mapping))

    def ingest(self, records: Iterable[Article | Rejection]) -> IngestReport:
        """Ingest articles (rejections pass straight into the report)."""
        report = IngestReport()
        start = time.perf_counter()
        seen_ids: dict[str, str] = {}
        seen_texts: dict[str, str] = {}
        batch: list[Article] = []
        pending: list[tuple[Chunk, dict]] = []
        self.store.bump_generation()
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-write")
        writing: Future | None = None  # the previous batch's write, overlapping the next embedding
        try:
            for rec in records:
                if isinstance(rec, Rejection):
                    report.rejected.append(rec)
                    continue
                first = seen_ids.get(rec.id) or seen_texts.get(rec.text_hash)
                if first:
                    report.duplicates += 1
                    continue
                seen_ids[rec.id] = seen_texts[rec.text_hash] = rec.origin or rec.id
                batch.append(rec)
                if len(batch) >= ARTICLE_BATCH:
                    pending += self._plan(batch, report)
                    batch = []
                    if len(pending) >= EMBED_BATCH:
                        writing = self._write(pending, report, writer, writing)
                        pending = []
            pending += self._plan(batch, report)
            writing = self._write(pending, report, writer, writing)
        finally:
            try:
                if writing is not None:
                    writing.result()  # the last write; its error, if any, is raised here
            finally:
                writer.shutdown()
                self.store.bump_generation()
        report.seconds = time.perf_counter() - start
        return report

    def _plan(self, articles: list[Article], report: IngestReport) -> list[tuple[Chunk, dict]]:
        """Classify a batch against the store; return the chunks to write and delete stale ones."""
        if not articles:
            return []
        existing: dict[str, list[dict]] = {}
        for _, m in self.store.metadatas_where({"article_id": {"$in": [a.id for a in articles]}}):
            existing.setdefault(m["article_id"], []).append(m)
        same_text = {m["text_hash"]: m["article_id"] for _, m in
                     self.store.metadatas_where({"text_hash": {"$in": [a.text_hash for a in articles]}})}
        out: list[tuple[Chunk, dict]] = []
        for a in articles:
            old = existing.get(a.id, [])
            if old and len(old) == old[0]["n_chunks"] and all(m["content_hash"] == a.content_hash for m in old):
                report.unchanged += 1
                continue
            if not old and same_text.get(a.text_hash, a.id) != a.id:
                report.duplicates += 1
                continue
            chunks = chunk_article(a, self.splitter)
            stale = sorted({m["position"] for m in old} - set(range(len(chunks))))
            if stale:
                self.store.delete([f"{a.id}:{p}" for p in stale])
                report.chunks_deleted += len(stale)
            if old:
                report.updated += 1
            else:
                report.added += 1
            out += [(c, chunk_metadata(c, a, len(chunks))) for c in chunks]
        return out

    def _write(self, pending: list[tuple[Chunk, dict]], report: IngestReport, writer: ThreadPoolExecutor,
               writing: Future | None) -> Future | None:
        """Embed a batch, wait for the previous write, then write this one on the writer thread while the
        caller goes on to the next batch; returns the write in flight."""
        if not pending:
            return writing
        chunks = [c for c, _ in pending]
        t = time.perf_counter()
        vectors = self.embedder.embed_documents([c.embed_text for c in chunks],
                                                progress=self.progress)
        report.embed_seconds += time.perf_counter() - t
        if writing is not None:
            writing.result()  # one write at a time, in order; its error, if any, is raised here
        report.chunks_written += len(chunks)
        return writer.submit(self.store.upsert, chunks, vectors, [m for _, m in pending])
