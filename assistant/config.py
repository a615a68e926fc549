"""Settings: one frozen object, read once from NEWSQA_* variables (CLI flags override)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from index.embeddings import DTYPES
from index.errors import ConfigError, check_choice


def _default_cache() -> str:
    return str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsqa")


@dataclass(frozen=True)
class Settings:
    """Every tunable of newsqa, with its default; `NEWSQA_<FIELD>` sets each one."""

    chroma: str = ".newsqa/chroma"  # folder (embedded), http://host:port (server) or :memory:
    collection: str = "news"
    dense_search: str = "exact"  # exact: vectors in memory (4·dim bytes a passage); chroma: Chroma's HNSW
    embeddings: str = "default"  # the packaged all-MiniLM-L6-v2, or any sentence-transformers name/path
    embed_device: str = "cpu"  # cpu | cuda | cuda:N | mps
    embed_dtype: str = "auto"  # auto: bfloat16 on CPUs with AVX512-BF16/AMX, float16 on GPUs, else float32
    embed_batch: int = 32
    threads: int = 0  # 0: let each library choose
    llm: str = "local"  # local | local:/path.gguf | openai:<model> | ollama:<model> | extractive
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_ctx: int = 4096
    llm_max_tokens: int = 320
    llm_temperature: float = 0.1
    llm_timeout: float = 120.0
    llm_passage_chars: int = 320  # each passage is cut to its sentences nearest the question; 0: whole
    cache_dir: str = dataclasses.field(default_factory=_default_cache)
    k: int = 4
    candidates: int = 100  # per retriever, before fusion
    per_article: int = 2  # passages kept per article after fusion
    # Fusion defaults chosen with `python -m eval.tune` on RealTimeQA-2024 (BENCHMARKS.md)
    dense_weight: float = 0.5  # the dense ranking's weight in the fusion (BM25's is 1)
    recency_weight: float = 1.0  # fresher passages score up to (1 + this)× more; 0 turns it off
    recency_days: float = 14.0  # how fast that preference fades with a passage's age, in days
    period_weight: float = 0.25  # passages from the period a question names ("in March 2017") score (1 + this)×
    min_similarity: float = 0.3  # below this best dense similarity, nothing relevant was found
    chunk_size: int = 800
    chunk_overlap: int = 120
    as_of: date | None = None  # "today" for relative dates; None: the real today
    host: str = "127.0.0.1"
    port: int = 7860
    api_key: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from NEWSQA_* variables, then keyword overrides that are not None."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"NEWSQA_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"unknown setting(s) {sorted(unknown)}")
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (None values ignored)."""
        s = dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})
        s.validate()
        return s

    def validate(self) -> None:
        """Raise ConfigError naming the first setting that cannot work."""
        if self.k < 1 or self.k > 50:
            raise ConfigError(f"NEWSQA_K={self.k} is out of range: use 1..50")
        if self.recency_weight < 0 or self.recency_days <= 0 or self.period_weight < 0:
            raise ConfigError("NEWSQA_RECENCY_WEIGHT and NEWSQA_PERIOD_WEIGHT must be ≥ 0, NEWSQA_RECENCY_DAYS > 0")
        from index.store import DENSE_MODES

        check_choice("NEWSQA_DENSE_SEARCH", self.dense_search, DENSE_MODES)
        check_choice("NEWSQA_EMBED_DTYPE", self.embed_dtype, DTYPES)
        if self.chunk_overlap >= self.chunk_size:
            raise ConfigError("NEWSQA_CHUNK_OVERLAP must be smaller than NEWSQA_CHUNK_SIZE")
        if not (0 < self.port < 65536):
            raise ConfigError(f"NEWSQA_PORT={self.port} is not a TCP port")
        if self.host not in ("127.0.0.1", "localhost", "::1") and not self.api_key:
            raise ConfigError(f"binding to {self.host} exposes the service: set NEWSQA_API_KEY too, "
                              "or keep NEWSQA_HOST=127.0.0.1")

    @property
    def lexical_dir(self) -> Path | None:
        """Where the BM25 index of the collection lives: beside an embedded store, else in the cache."""
        if self.chroma == ":memory:":
            return None  # an in-memory store keeps its BM25 index in memory too
        if self.chroma.startswith(("http://", "https://")):
            safe = "".join(ch if ch.isalnum() else "_" for ch in self.chroma.split("://", 1)[1])
            return Path(self.cache_dir) / "lexical" / safe
        return Path(self.chroma) / "newsqa-lexical"

    def describe(self) -> dict:
        """Settings for reports, without secrets."""
        d = dataclasses.asdict(self)
        for secret in ("llm_api_key", "api_key"):
            d[secret] = "***" if d[secret] else ""
        d["as_of"] = self.as_of.isoformat() if self.as_of else None
        return d


def _parse(name: str, kind: object, raw: str) -> object:
    kind = str(kind)
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if "date" in kind:
            return date.fromisoformat(raw)
    except ValueError:
        want = "an integer" if kind.startswith("int") else "a number" if kind.startswith("float") else "a date YYYY-MM-DD"
        raise ConfigError(f"NEWSQA_{name.upper()}={raw!r} is not {want}") from None
    return raw
