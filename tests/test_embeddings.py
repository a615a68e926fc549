"""The packaged embedding model in each precision: the same vectors, within rounding."""

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

TEXTS = ["Japan and the US agreed to lower the tariff on cars to 15%.",
         "Storm Nadia stopped the ferries for two days. " * 12, "Who won the mayoral election?"]


def test_bfloat16_vectors_match_float32(real_embedder):
    from index.embeddings import SentenceTransformerEmbedder

    exact = SentenceTransformerEmbedder("default", dtype="float32")
    half = SentenceTransformerEmbedder("default", dtype="bfloat16")
    a, b = np.asarray(exact.embed_documents(TEXTS)), np.asarray(half.embed_documents(TEXTS))
    assert half.dtype == "bfloat16" and exact.dtype == "float32"
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-6)  # normalized in float32
    assert (np.sum(a * b, axis=1) > 0.999).all()
    assert np.argmax(a @ np.asarray(half.embed_query("tariff on cars"))) == 0
