import json
from datetime import date

import pytest

from index.errors import ConfigError
from index.ingest import Ingestor
from index.store import Filters, Store
from tests.conftest import write_jsonl

ROWS = [
    {"title": "Tariff talks", "text": "Japan and the US discuss a 24% tariff on imports. " * 30, "url": "https://a.org/1",
     "published": "2025-07-06", "source": "Wire"},
    {"title": "Election", "text": "Voters in France went to the polls on Sunday. " * 10, "url": "https://bbc.co.uk/2",
     "published": "2017-04-23"},
]


def test_reingest_same_file_adds_nothing(tmp_path, store, embedder):
    f = write_jsonl(tmp_path / "a.jsonl", ROWS)
    first = Ingestor(store, embedder).ingest_paths([f])
    assert (first.added, first.unchanged, first.ok) == (2, 0, True)
    n, calls = store.count(), embedder.calls
    again = Ingestor(store, embedder).ingest_paths([f])
    assert (again.added, again.updated, again.unchanged, again.chunks_written) == (0, 0, 2, 0)
    assert store.count() == n and embedder.calls == calls


def test_changed_article_replaces_its_old_chunks(tmp_path, store, embedder):
    Ingestor(store, embedder).ingest_paths([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    before = store.count()
    shorter = [dict(ROWS[0], text="The tariff talks ended with a deal."), ROWS[1]]
    r = Ingestor(store, embedder).ingest_paths([write_jsonl(tmp_path / "b.jsonl", shorter)])
    assert (r.updated, r.unchanged, r.added) == (1, 1, 0) and r.chunks_deleted > 0
    texts = [c.text for c, _ in store.lexical_search("tariff deal", 10)]
    assert "The tariff talks ended with a deal." in texts
    assert store.count() == before - r.chunks_deleted
    assert not any("24% tariff" in t for t in texts)


def test_exact_duplicates_stored_once(tmp_path, store, embedder):
    rows = [ROWS[1], dict(ROWS[1], url="https://mirror.example/2"), dict(ROWS[1], title="Same URL again")]
    r = Ingestor(store, embedder).ingest_paths([write_jsonl(tmp_path / "a.jsonl", rows)])
    assert (r.added, r.duplicates) == (1, 2)
    later = Ingestor(store, embedder).ingest_paths([write_jsonl(tmp_path / "b.jsonl",
                                                                [dict(ROWS[1], url="https://third.example/x")])])
    assert (later.added, later.duplicates) == (0, 1)


def test_bad_rows_rejected_good_rows_beside_them_go_in(tmp_path, store, embedder):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps(ROWS[0]) + "\n{broken\n" + json.dumps(ROWS[1]) + "\n")
    r = Ingestor(store, embedder).ingest_paths([f, tmp_path / "missing.csv"])
    assert r.added == 2 and len(r.rejected) == 2
    assert r.rejected[0].where == f"{f}:2" and "missing.csv" in r.rejected[1].where


def test_nothing_new_loads_no_embedder(tmp_path, store, embedder):
    f = write_jsonl(tmp_path / "a.jsonl", ROWS)
    Ingestor(store, embedder).ingest_paths([f])

    def boom():
        raise AssertionError("the model should not load")

    assert Ingestor(store, boom).ingest_paths([f]).unchanged == 2


def test_snapshot_follows_another_writer_after_refresh_s(tmp_path, settings, embedder):
    import time

    a = Store(settings.chroma, "news", embedder.name, lexical_dir=settings.lexical_dir)
    b = Store(settings.chroma, "news", embedder.name, lexical_dir=settings.lexical_dir, refresh_s=0.3)
    Ingestor(a, embedder).ingest_paths([write_jsonl(tmp_path / "a.jsonl", ROWS[:1])])
    assert b.lexical_search("France polls voters", 5) == []
    Ingestor(a, embedder).ingest_paths([write_jsonl(tmp_path / "b.jsonl", ROWS[1:])])
    assert b.lexical_search("France polls voters", 5) == []  # within refresh_s: the snapshot it has
    time.sleep(0.35)
    assert [c.title for c, _ in b.lexical_search("France polls voters", 5)][0] == "Election"
    fresh = Store(settings.chroma, "news", embedder.name, lexical_dir=settings.lexical_dir)
    assert len(fresh.snapshot().ids) == a.count() and fresh.snapshot().vectors.shape == (a.count(), embedder.dim)


def test_exact_dense_search_matches_chroma_hnsw(tmp_path, settings, embedder):
    import random

    words = "harbour bridge vote tariff storm market court rain strike ferry budget mayor".split()
    rng = random.Random(7)
    rows = [{"title": f"Story {i}", "text": " ".join(rng.choices(words, k=3 + i % 9)), "url": f"https://n.org/{i}",
             "published": f"2024-01-{1 + i % 28:02d}"} for i in range(40)]
    exact = Store(settings.chroma, "news", embedder.name, lexical_dir=settings.lexical_dir)
    Ingestor(exact, embedder).ingest_paths([write_jsonl(tmp_path / "r.jsonl", rows)])
    hnsw = Store(settings.chroma, "news", embedder.name, lexical_dir=settings.lexical_dir, dense="chroma")
    q = embedder.embed_query("storm over the harbour bridge")
    january = Filters(since=date(2024, 1, 10), until=date(2024, 1, 20))
    for f in (None, january):
        mine, theirs = exact.dense_hits(q, 5, f), hnsw.dense_hits(q, 5, f)
        assert [i for i, _ in mine] == [i for i, _ in theirs]
        assert all(abs(s - t) < 1e-5 for (_, s), (_, t) in zip(mine, theirs))
    assert all(date(2024, 1, 10) <= c.published <= date(2024, 1, 20) for c, _ in exact.dense_search(q, 10, january))


def test_filters_by_date_and_source_in_both_retrievers(tmp_path, store, embedder):
    Ingestor(store, embedder).ingest_paths([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    q = embedder.embed_query("tariff election voters")
    only_2017 = Filters(since=date(2017, 1, 1), until=date(2017, 12, 31))
    assert {c.title for c, _ in store.dense_search(q, 10, only_2017)} == {"Election"}
    assert {c.title for c, _ in store.lexical_search("tariff voters", 10, only_2017)} == {"Election"}
    wire = Filters(sources=("wire",))
    assert {c.title for c, _ in store.dense_search(q, 10, wire)} == {"Tariff talks"}
    assert {c.title for c, _ in store.lexical_search("tariff voters", 10, wire)} == {"Tariff talks"}


def test_collection_built_with_another_model_is_refused(settings, store):
    with pytest.raises(ConfigError, match="built with embedding model 'test-hashing'"):
        Store(settings.chroma, settings.collection, "other-model")


def test_ingest_interrupted_midway_leaves_whole_articles_and_resumes(tmp_path, store, embedder, monkeypatch):
    monkeypatch.setattr("index.ingest.ARTICLE_BATCH", 1)
    monkeypatch.setattr("index.ingest.EMBED_BATCH", 1)
    f = write_jsonl(tmp_path / "a.jsonl", ROWS)

    class Dies:
        name, dim = embedder.name, embedder.dim

        def __init__(self):
            self.calls = 0

        def embed_documents(self, texts, progress=None):
            self.calls += 1
            if self.calls > 1:
                raise KeyboardInterrupt  # the process is stopped while embedding the second article
            return embedder.embed_documents(texts)

        embed_query = embedder.embed_query

    with pytest.raises(KeyboardInterrupt):
        Ingestor(store, Dies()).ingest_paths([f])
    titles = {m["title"] for _, m in store.metadatas_where({"position": {"$gte": 0}})}
    assert titles == {"Tariff talks"}
    n_first = store.count()
    r = Ingestor(store, embedder).ingest_paths([f])
    assert (r.added, r.unchanged) == (1, 1) and store.count() > n_first
    assert len(store.snapshot().ids) == store.count()


def test_snapshot_saved_by_an_older_version_is_rebuilt(tmp_path, store, embedder):
    import json

    Ingestor(store, embedder).ingest_paths([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    store.snapshot()
    meta_file = store.lexical_dir / store.name / "meta.json"
    meta = json.loads(meta_file.read_text())
    del meta["articles"], meta["outlets"]
    meta_file.write_text(json.dumps(meta))
    (meta_file.parent / "vectors.npy").unlink()  # older versions kept no vectors
    store._snapshot = None
    assert store.stats()["articles"] == 2 and "articles" in json.loads(meta_file.read_text())
    assert store.snapshot().vectors.shape[0] == store.count() and (meta_file.parent / "vectors.npy").exists()


def test_day_numbers_round_trip():
    from datetime import date

    from index.store import day_number, number_day

    assert day_number(date(2024, 3, 9)) == 20240309 and number_day(20240309) == date(2024, 3, 9)
    assert day_number(None) == 0 and number_day(0) is None
