from assistant.retrieval import collapse, rrf


def test_rrf_sums_reciprocal_ranks():
    s = rrf([["a", "b", "c"], ["c", "a"]], k=60)
    assert s["a"] == 1 / 61 + 1 / 62
    assert s["c"] == 1 / 63 + 1 / 61
    assert s["b"] == 1 / 62
    assert sorted(s, key=lambda x: -s[x]) == ["a", "c", "b"]


def test_rrf_weights():
    s = rrf([["a"], ["b"]], weights=[2.0, 1.0])
    assert s["a"] == 2 * s["b"]


def test_collapse_keeps_at_most_n_per_article():
    ranked = ["x:0", "x:1", "x:2", "y:0", "x:3"]
    assert collapse(ranked, lambda c: c.split(":")[0], 2) == ["x:0", "x:1", "y:0"]


def test_hybrid_retrieve_and_langchain_retriever(tmp_path, make_assistant):
    from tests.conftest import write_jsonl
    from tests.test_ingest import ROWS

    a = make_assistant()
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    (top, *_) = a.retrieve("24% tariff Japan", k=2)
    assert top.chunk.title == "Tariff talks" and top.rank == 1 and set(top.scores) == {"rrf", "dense", "bm25"}
    docs = a.as_langchain_retriever(k=1).invoke("voters France polls")
    assert docs[0].metadata["title"] == "Election" and docs[0].metadata["published"] == "2017-04-23"
    assert [p.chunk.title for p in a.retrieve("tariff", mode="bm25")][0] == "Tariff talks"
