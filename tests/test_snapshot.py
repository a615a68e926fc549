"""Snapshot: exact dense search and BM25 over one generation, with masks, saved and loaded whole."""

import numpy as np

from index.snapshot import Snapshot


def unit(rows):
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def make(vectors=True) -> Snapshot:
    texts = ["harbour bridge opens", "council budget vote", "storm closes the harbour", "bridge report"]
    return Snapshot.build("g1", [f"a{i}:0" for i in range(4)], texts, [20240301, 20240302, 20240303, 0],
                          ["wire", "bbc", "wire", "bbc"], [f"a{i}" for i in range(4)], ["Wire", "BBC", "Wire", "BBC"],
                          unit([[1, 0, 0], [0, 1, 0], [0.8, 0.2, 0], [0.6, 0, 0.8]]) if vectors else None)


def test_dense_is_exact_best_first_and_respects_the_mask():
    s = make()
    hits = s.dense([1, 0, 0], 3)
    assert [i for i, _ in hits] == ["a0:0", "a2:0", "a3:0"] and abs(hits[0][1] - 1.0) < 1e-6
    wire_after_2nd = s.mask(since=20240302, sources={"wire"})
    assert [i for i, _ in s.dense([1, 0, 0], 10, wire_after_2nd)] == ["a2:0"]  # k larger than what passes
    assert s.dense([1, 0, 0], 5, s.mask(since=20300101)) == []
    assert make(vectors=False).dense([1, 0, 0], 3) == []


def test_lexical_with_mask_and_per_chunk_fields():
    s = make()
    assert {i for i, _ in s.lexical("harbour", 5)} == {"a0:0", "a2:0"}
    assert [i for i, _ in s.lexical("harbour", 5, s.mask(until=20240302))] == ["a0:0"]
    assert s.mask() is None and s.day("a3:0") == 0 and s.article("a1:0") == "a1"
    assert s.day("new:3") == 0 and s.article("new:3") == "new"  # written after the snapshot was taken


def test_save_and_load_round_trip(tmp_path):
    s = make()
    s.save(tmp_path / "snap")
    back = Snapshot.load(tmp_path / "snap")
    assert back.generation == "g1" and back.ids == s.ids and np.array_equal(back.vectors, s.vectors)
    assert back.dense([1, 0, 0], 2) == s.dense([1, 0, 0], 2) and back.stats() == s.stats()
    assert Snapshot.load(tmp_path / "snap", vectors=False).vectors is None
    (tmp_path / "snap" / "vectors.npy").unlink()
    assert Snapshot.load(tmp_path / "snap") is None  # asked for vectors it does not have: rebuild


def test_bfloat16_first_pass_finds_the_exact_top_k(monkeypatch):
    import index.embeddings
    import index.snapshot

    rng = np.random.default_rng(3)
    vectors = unit(rng.standard_normal((2000, 32)))
    n = len(vectors)
    days = [20240101 + i % 28 for i in range(n)]
    args = ("g", [f"a{i}:0" for i in range(n)], ["text"] * n, days, ["wire"] * n)
    monkeypatch.setattr(index.snapshot, "COARSE_POOL", 100)
    monkeypatch.setattr(index.embeddings, "cpu_has_bf16", lambda: True)
    coarse = Snapshot.build(*args, vectors=vectors)
    assert coarse._torch_matrices()[1] is not None  # made on first use
    monkeypatch.setattr(index.embeddings, "cpu_has_bf16", lambda: False)
    exact = Snapshot.build(*args, vectors=vectors)
    assert exact._torch_matrices()[1] is None
    q = vectors[7] * 0.6 + vectors[9] * 0.4
    mask = exact.mask(until=20240120)
    for m in (None, mask):
        a, b = coarse.dense(q, 10, m), exact.dense(q, 10, m)
        assert [i for i, _ in a] == [i for i, _ in b]
        assert np.allclose([s for _, s in a], [s for _, s in b], atol=1e-6)  # rescored in float32
        brute = np.where(m if m is not None else True, vectors @ q, -np.inf)
        assert [i for i, _ in b] == [f"a{i}:0" for i in np.argsort(-brute)[:10]]
