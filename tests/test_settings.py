from datetime import date
from pathlib import Path

import pytest

from assistant.config import Settings
from index.errors import ConfigError


def test_env_then_overrides():
    s = Settings.from_env({"NEWSQA_K": "6", "NEWSQA_LLM": "extractive", "NEWSQA_AS_OF": "2017-03-31"}, k=None, llm="openai:x")
    assert (s.k, s.llm, s.as_of) == (6, "openai:x", date(2017, 3, 31))


def test_bad_values_name_the_variable():
    with pytest.raises(ConfigError, match="NEWSQA_K='many' is not an integer"):
        Settings.from_env({"NEWSQA_K": "many"})
    with pytest.raises(ConfigError, match="NEWSQA_K=0 is out of range"):
        Settings.from_env({"NEWSQA_K": "0"})


def test_choices_are_checked_by_name():
    with pytest.raises(ConfigError, match="NEWSQA_EMBED_DTYPE='half' is not one of auto, float32"):
        Settings.from_env({"NEWSQA_EMBED_DTYPE": "half"})
    with pytest.raises(ConfigError, match="NEWSQA_DENSE_SEARCH='hnsw' is not one of exact, chroma"):
        Settings.from_env({"NEWSQA_DENSE_SEARCH": "hnsw"})
    with pytest.raises(ConfigError, match="NEWSQA_PERIOD_WEIGHT"):
        Settings.from_env({"NEWSQA_PERIOD_WEIGHT": "-1"})


def test_embedding_dtype_auto_follows_the_device(monkeypatch):
    import index.embeddings as emb

    assert emb.resolve_dtype("auto", "cuda") == emb.resolve_dtype("auto", "cuda:1") == "float16"
    assert emb.resolve_dtype("auto", "mps") == "float32" and emb.resolve_dtype("bfloat16", "cpu") == "bfloat16"
    monkeypatch.setattr(emb, "cpu_has_bf16", lambda: True)
    assert emb.resolve_dtype("auto", "cpu") == "bfloat16"
    monkeypatch.setattr(emb, "cpu_has_bf16", lambda: False)
    assert emb.resolve_dtype("auto", "cpu") == "float32"


def test_binding_beyond_loopback_needs_an_api_key():
    with pytest.raises(ConfigError, match="NEWSQA_API_KEY"):
        Settings.from_env({"NEWSQA_HOST": "0.0.0.0"})
    assert Settings.from_env({"NEWSQA_HOST": "0.0.0.0", "NEWSQA_API_KEY": "s3cret"}).describe()["api_key"] == "***"


def test_lexical_dir_by_store_kind():
    assert Settings.from_env({}, chroma="/data/c").lexical_dir == Path("/data/c/newsqa-lexical")
    assert "127_0_0_1_8000" in str(Settings.from_env({}, chroma="http://127.0.0.1:8000", cache_dir="/c").lexical_dir)


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Settings().k = 3  # type: ignore[misc]


def test_memory_store_keeps_bm25_in_memory():
    assert Settings.from_env({}, chroma=":memory:").lexical_dir is None
