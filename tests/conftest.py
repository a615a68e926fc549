"""Shared fixtures: fakes at the seams, an isolated store per test, the real sample store once."""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "index" / "sample"
TARIFF_Q = "What tariff rate on Japanese imports was set to expire?"


class HashingEmbedder:
    """A fake embedder: texts sharing words get similar vectors (no model, instant)."""

    name = "test-hashing"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * self.dim
        for w in re.findall(r"[a-z0-9]+", text.lower()):
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / n for x in v]

    def embed_documents(self, texts, progress=None):
        self.calls += 1
        self.texts += len(texts)
        if progress:
            progress(len(texts))
        return [self._vec(t) for t in texts]

    def embed_query(self, text):
        return self._vec(text)


class ScriptedBackend:
    """A fake chat backend that streams a fixed reply and records the prompts it got."""

    name = "scripted"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[list[dict]] = []

    def stream(self, messages, max_tokens, temperature):
        self.prompts.append(messages)
        for piece in re.findall(r"\S+\s*", self.reply):
            yield piece


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No NEWSQA_* setting leaks in from the machine; caches go to the test's folder."""
    for key in list(os.environ):
        if key.startswith("NEWSQA_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def embedder():
    return HashingEmbedder()


@pytest.fixture
def settings(tmp_path):
    from assistant.config import Settings

    return Settings.from_env({}, chroma=str(tmp_path / "chroma"), cache_dir=str(tmp_path / "cache"),
                             llm="extractive", min_similarity=0.0)


@pytest.fixture
def store(settings, embedder):
    from index.store import Store

    return Store(settings.chroma, settings.collection, embedder.name, lexical_dir=settings.lexical_dir)


@pytest.fixture
def make_assistant(settings, store, embedder):
    from assistant.core import Assistant

    def make(backend=None, **changes):
        return Assistant(settings.replace(**changes), store=store, embedder=embedder, backend=backend)

    return make


@contextlib.contextmanager
def local_http(handler):
    """A throwaway HTTP server on 127.0.0.1 in a thread; yields its base URL."""
    from http.server import HTTPServer

    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- the real parts, built once per session --------------------------------------------------
@pytest.fixture(scope="session")
def real_embedder():
    from index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder("default")


@pytest.fixture(scope="session")
def sample_store_dir(tmp_path_factory, real_embedder):
    """The bundled sample ingested once with the real model into a persistent Chroma folder."""
    from assistant.config import Settings
    from assistant.core import Assistant

    folder = tmp_path_factory.mktemp("sample") / "chroma"
    s = Settings.from_env({}, chroma=str(folder), llm="extractive")
    report = Assistant(s, embedder=real_embedder).ingest([SAMPLE])
    assert report.ok and report.added == 307, report.summary()
    return folder
