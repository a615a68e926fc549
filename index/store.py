"""The chunk store: one Chroma collection (embedded folder or server URL) and its BM25 index in step."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from index.errors import ConfigError, StoreError, check_choice
from index.snapshot import Snapshot
from index.types import Article, Chunk

SCHEMA = 1
GET_PAGE = 2000
DENSE_MODES = ("exact", "chroma")


@dataclass(frozen=True)
class Filters:
    """Restrictions on what is retrieved: a date range (inclusive) and outlets."""

    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()

    @property
    def dated(self) -> bool:
        """Whether a date range was chosen."""
        return bool(self.since or self.until)

    def where(self) -> dict | None:
        """The Chroma `where` clause for these filters."""
        clauses: list[dict] = []
        if self.since:
            clauses.append({"published_day": {"$gte": day_number(self.since)}})
        if self.until:
            clauses.append({"published_day": {"$lte": day_number(self.until)}})
        if self.sources:
            clauses.append({"source_key": {"$in": [s.lower() for s in self.sources]}})
        return None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}


def day_number(d: date | None) -> int:
    """A date as the integer YYYYMMDD (0 when unknown), for range filters on scalar metadata."""
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def number_day(n: int) -> date | None:
    """The inverse of day_number."""
    return date(n // 10000, n // 100 % 100, n % 100) if n else None


def chunk_metadata(chunk: Chunk, article: Article, n_chunks: int) -> dict:
    """Scalar metadata Chroma keeps beside each chunk."""
    return {"article_id": chunk.article_id, "position": chunk.position, "n_chunks": n_chunks,
            "title": chunk.title, "source": chunk.source or "", "source_key": (chunk.source or "").lower(),
            "url": chunk.url or "", "published": chunk.published.isoformat() if chunk.published else "",
            "published_day": day_number(chunk.published), "content_hash": article.content_hash,
            "text_hash": article.text_hash}


def chunk_from(doc_id: str, document: str, meta: dict) -> Chunk:
    """Rebuild a Chunk from what Chroma returns (the stored document is title, newline, text)."""
    title = meta.get("title", "")
    text = document[len(title) + 1:] if title and document.startswith(title + "\n") else document
    published = date.fromisoformat(meta["published"]) if meta.get("published") else None
    return Chunk(id=doc_id, article_id=meta.get("article_id", ""), position=int(meta.get("position", 0)),
                 text=text, title=title, source=meta.get("source") or None, url=meta.get("url") or None,
                 published=published)


def make_client(location: str):
    """A Chroma client for a folder (embedded), 'http(s)://host:port' (server) or ':memory:'."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    quiet = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if location == ":memory:":
        return chromadb.EphemeralClient(settings=quiet)
    if location.startswith(("http://", "https://")):
        parts = urlsplit(location)
        if not parts.hostname:
            raise ConfigError(f"NEWSQA_CHROMA={location!r} names no host; use http://HOST:PORT")
        try:
            client = chromadb.HttpClient(host=parts.hostname, port=parts.port or (443 if parts.scheme == "https" else 8000),
                                         ssl=parts.scheme == "https", settings=quiet)
            client.heartbeat()
        except Exception as e:  # connection errors surface as several types
            raise StoreError(f"cannot reach the Chroma server at {location} ({type(e).__name__}); start it with "
                             "'chroma run --path DIR --port PORT' or fix NEWSQA_CHROMA") from None
        return client
    Path(location).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=location, settings=quiet)


class Store:
    """A Chroma collection of chunks that records its embedding model, plus a snapshot (BM25, vectors) kept
    in step with it."""

    def __init__(self, location: str, collection: str, embedding_name: str,
                 lexical_dir: Path | None = None, client=None, dense: str = "exact", refresh_s: float = 1.0):
        check_choice("NEWSQA_DENSE_SEARCH", dense, DENSE_MODES)
        self.location = location
        self.name = collection
        self.embedding_name = embedding_name
        self.client = client or make_client(location)
        self.lexical_dir = lexical_dir
        self.dense = dense  # exact: the vectors in memory, searched exactly; chroma: Chroma's HNSW index
        self.refresh_s = refresh_s  # how stale another writer's changes may be seen, at most
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._vectorstore = None
        self.collection = self.client.get_or_create_collection(
            collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": embedding_name, "newsqa_schema": SCHEMA,
                      "newsqa_generation": uuid.uuid4().hex})
        built_with = (self.collection.metadata or {}).get("embedding_model")
        if built_with and built_with != embedding_name:
            raise ConfigError(f"collection {collection!r} in {location} was built with embedding model "
                              f"{built_with!r}, not {embedding_name!r}: set NEWSQA_EMBEDDINGS={built_with} "
                              "or choose another NEWSQA_COLLECTION and re-ingest")

    # --- writes -------------------------------------------------------------------------------
    def bump_generation(self) -> None:
        """Mark the collection changed, so every BM25 index built before is stale."""
        meta = dict(self.client.get_collection(self.name, embedding_function=None).metadata or {})
        meta["newsqa_generation"] = uuid.uuid4().hex
        self.collection.modify(metadata=meta)
        self._checked = 0.0  # our own writes are seen at once

    def upsert(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]], metadatas: Sequence[dict]) -> None:
        """Write chunks with their vectors; same ids overwrite."""
        if chunks:
            self.collection.upsert(ids=[c.id for c in chunks], embeddings=[list(e) for e in embeddings],
                                   documents=[c.embed_text for c in chunks], metadatas=list(metadatas))

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id (missing ids are ignored)."""
        if ids:
            self.collection.delete(ids=list(ids))

    # --- reads --------------------------------------------------------------------------------
    def count(self) -> int:
        """Number of chunks stored."""
        return self.collection.count()

    def metadatas_where(self, where: dict) -> list[tuple[str, dict]]:
        """(id, metadata) of every chunk matching a where clause."""
        out: list[tuple[str, dict]] = []
        offset = 0
        while True:
            got = self.collection.get(where=where, include=["metadatas"], limit=GET_PAGE, offset=offset)
            out.extend(zip(got["ids"], got["metadatas"]))
            if len(got["ids"]) < GET_PAGE:
                return out
            offset += GET_PAGE

    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """Chunks by id (absent ids are left out)."""
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {i: chunk_from(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}

    def iter_all(self, include: Iterable[str] = ("documents", "metadatas")):
        """Every stored chunk as (id, document, metadata), page by page."""
        offset = 0
        while True:
            got = self.collection.get(include=list(include), limit=GET_PAGE, offset=offset)
            docs = got.get("documents") or [""] * len(got["ids"])
            if "embeddings" in include:
                yield from zip(got["ids"], docs, got["metadatas"], got["embeddings"])
            else:
                yield from zip(got["ids"], docs, got["metadatas"])
            if len(got["ids"]) < GET_PAGE:
                return
            offset += GET_PAGE

    def vectorstore(self, embeddings=None):
        """This collection as a langchain-chroma `Chroma` vector store (for reads and users' chains)."""
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=self.name, embedding_function=embeddings,
                      create_collection_if_not_exists=False)

    def dense_hits(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks passing the filters."""
        if k <= 0:
            return []
        if self.dense == "exact":
            snap = self.snapshot()
            return snap.dense(vector, k, self._mask(snap, filters))
        if self.count() == 0:
            return []
        if self._vectorstore is None:
            self._vectorstore = self.vectorstore()
        hits = self._vectorstore.similarity_search_by_vector_with_relevance_scores(
            list(vector), k=k, filter=(filters or Filters()).where())
        return [(doc.id, 1.0 - float(dist)) for doc, dist in hits]

    def lexical_hits(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best k chunks passing the filters."""
        snap = self.snapshot()
        return snap.lexical(query, k, self._mask(snap, filters))

    def dense_search(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        """(chunk, cosine similarity) of the k nearest chunks passing the filters."""
        return self._with_chunks(self.dense_hits(vector, k, filters))

    def lexical_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        """(chunk, BM25 score) of the best k chunks passing the filters."""
        return self._with_chunks(self.lexical_hits(query, k, filters))

    def _with_chunks(self, hits: list[tuple[str, float]]) -> list[tuple[Chunk, float]]:
        chunks = self.get_chunks([i for i, _ in hits])
        return [(chunks[i], s) for i, s in hits if i in chunks]

    @staticmethod
    def _mask(snap: Snapshot, filters: Filters | None):
        f = filters or Filters()
        return snap.mask(day_number(f.since) if f.since else None, day_number(f.until) if f.until else None,
                         {s.lower() for s in f.sources} or None)

    def snapshot(self) -> Snapshot:
        """BM25, vectors and per-chunk fields in memory; rebuilt when another writer (or a crash) left
        them stale. Staleness is checked at most every `refresh_s` seconds, and at once after our writes."""
        with self._lock:
            if self._snapshot is not None and time.monotonic() - self._checked < self.refresh_s:
                return self._snapshot
            meta = self.client.get_collection(self.name, embedding_function=None).metadata or {}
            generation = f"{meta.get('newsqa_generation', '')}/{self.count()}"
            self._checked = time.monotonic()
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = self._load_snapshot(generation)
            return self._snapshot

    def _load_snapshot(self, generation: str) -> Snapshot:
        folder = self.lexical_dir / self.name if self.lexical_dir else None
        exact = self.dense == "exact"
        loaded = Snapshot.load(folder, vectors=exact) if folder else None
        if loaded is not None and loaded.generation == generation:
            return loaded
        ids, texts, days, sources, articles, outlets, vectors = [], [], [], [], [], [], []
        include = ("documents", "metadatas", "embeddings") if exact else ("documents", "metadatas")
        for i, doc, m, *vec in self.iter_all(include):
            ids.append(i)
            texts.append(doc)
            days.append(int(m.get("published_day", 0)))
            sources.append(m.get("source_key", ""))
            articles.append(m.get("article_id", i))
            outlets.append(m.get("source") or "")
            if vec:
                vectors.append(vec[0])
        import numpy as np

        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1) if exact and ids else None
        snap = Snapshot.build(generation, ids, texts, days, sources, articles, outlets, matrix)
        if folder:
            try:
                snap.save(folder)
            except OSError:
                pass  # another process saved at the same moment; ours stays valid in memory
        return snap

    def stats(self) -> dict:
        """Articles, chunks, outlets and date range of the collection (kept with the BM25 index)."""
        return {"collection": self.name, "location": self.location, "embedding_model": self.embedding_name,
                **self.snapshot().stats(), "chunks": self.count()}
