from assistant.retrieval import collapse, rrf
from index.store import Filters


def test_rrf_sums_reciprocal_ranks():
    s = rrf([["a", "b", "c"], ["c", "a"]], k=60)
    assert s["a"] == 1 / 61 + 1 / 62
    assert s["c"] == 1 / 63 + 1 / 61
    assert s["b"] == 1 / 62
    assert sorted(s, key=lambda x: -s[x]) == ["a", "c", "b"]


def test_rrf_weights():
    s = rrf([["a"], ["b"]], weights=[2.0, 1.0])
    assert s["a"] == 2 * s["b"]


def test_period_boost_counts_days_inside_the_period_only():
    from datetime import date

    from assistant.retrieval import period_boost

    march = (date(2017, 3, 1), date(2017, 3, 31))
    assert period_boost(date(2017, 3, 31), march, 1.0) == 2.0
    assert period_boost(date(2017, 4, 1), march, 1.0) == 1.0
    assert period_boost(None, march, 1.0) == period_boost(date(2017, 3, 5), None, 1.0) == 1.0
    assert period_boost(date(2017, 3, 5), march, 0.0) == 1.0


def test_collapse_keeps_at_most_n_per_article():
    ranked = ["x:0", "x:1", "x:2", "y:0", "x:3"]
    assert collapse(ranked, lambda c: c.split(":")[0], 2) == ["x:0", "x:1", "y:0"]


def test_hybrid_retrieve_and_langchain_retriever(tmp_path, make_assistant):
    from tests.conftest import write_jsonl
    from tests.test_ingest import ROWS

    a = make_assistant()
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    (top, *_) = a.retrieve("24% tariff Japan", k=2)
    assert top.chunk.title == "Tariff talks" and top.rank == 1 and set(top.scores) == {"rrf", "dense", "bm25", "date"}
    docs = a.as_langchain_retriever(k=1).invoke("voters France polls")
    assert docs[0].metadata["title"] == "Election" and docs[0].metadata["published"] == "2017-04-23"
    assert [p.chunk.title for p in a.retrieve("tariff", mode="bm25")][0] == "Tariff talks"


def test_recency_boost_fades_with_age_and_leaves_undated_alone():
    from datetime import date

    from assistant.retrieval import recency_boost

    today = date(2024, 3, 1)
    assert recency_boost(today, today, 0.5, 30) == 1.5
    assert abs(recency_boost(date(2024, 1, 31), today, 0.5, 30) - (1 + 0.5 * 2.718281828 ** -1)) < 1e-6
    assert recency_boost(date(2024, 3, 31), today, 0.5, 30) == recency_boost(date(2024, 1, 31), today, 0.5, 30)
    assert recency_boost(None, today, 0.5, 30) == 1.0
    assert recency_boost(today, None, 0.5, 30) == 1.0 and recency_boost(today, today, 0.0, 30) == 1.0


def test_as_of_prefers_the_fresher_of_two_equal_reports_unless_a_period_is_named(tmp_path, make_assistant):
    from datetime import date

    from tests.conftest import write_jsonl

    rows = [{"title": "Harbour bridge budget", "text": f"The city council approved the harbour bridge budget ({d}).",
             "url": f"https://example.com/{d}", "published": d} for d in ("2024-01-02", "2024-02-27")]
    a = make_assistant()
    a.ingest([write_jsonl(tmp_path / "b.jsonl", rows)])
    fresh = a.retrieve("harbour bridge budget", k=2, as_of=date(2024, 3, 1))
    assert [str(p.chunk.published) for p in fresh] == ["2024-02-27", "2024-01-02"]
    assert fresh[0].scores["date"] > fresh[1].scores["date"] > 1.0
    # A named period ranks its passages first, past the fresher one, and hides nothing.
    named = a.retrieve("harbour bridge budget in January 2024", k=2, as_of=date(2024, 3, 1))
    assert [str(p.chunk.published) for p in named] == ["2024-01-02", "2024-02-27"]
    assert named[0].scores["date"] > named[1].scores["date"]
    chosen = a.retrieve("harbour bridge budget", k=2, filters=Filters(since=date(2024, 1, 1), until=date(2024, 1, 31)))
    assert [str(p.chunk.published) for p in chosen] == ["2024-01-02"]  # the reader's dates do filter
    plain = a.retrieve("harbour bridge budget", k=2, as_of=date(2024, 3, 1), mode="bm25")
    assert {p.scores["date"] for p in plain} == {1.0}  # baselines stay plain
