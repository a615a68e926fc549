"""eval.tune on a tiny RealTimeQA-shaped folder: ranks once, scores the grid with the retriever's fusion."""

import gzip
import json

import pytest

pytestmark = pytest.mark.e2e

ARTICLES = [
    ("Harbour bridge opens", "The new harbour bridge opened to traffic on Monday after four years of work.", "2024-03-04"),
    ("Council budget vote", "The city council approved a budget of 12 million for school repairs.", "2024-03-06"),
    ("Storm closes ferries", "Ferries stopped running as Storm Nadia brought winds of 120 km/h.", "2024-03-07"),
    ("Old bridge report", "Engineers said in January that the old harbour bridge needed replacing.", "2024-01-15"),
    ("Election results", "Maria Lopez won the mayoral election with 54 percent of the vote.", "2024-02-20"),
]
QUESTIONS = [
    ("When did the new harbour bridge open to traffic?", "Monday", "2024-03-08"),
    ("Which storm stopped the ferries this week?", "Storm Nadia", "2024-03-08"),
    ("Who won the mayoral election?", "Maria Lopez", "2024-03-08"),
]


def test_tune_scores_settings_on_a_built_store(tmp_path, real_embedder, capsys):
    from assistant.config import Settings
    from assistant.core import Assistant
    from eval.tune import main

    data = tmp_path / "rtqa"
    data.mkdir()
    with gzip.open(data / "articles.jsonl.gz", "wt") as f:
        for i, (title, text, day) in enumerate(ARTICLES):
            f.write(json.dumps({"id": f"a{i}", "url": f"https://news.example/{i}", "title": title, "text": text,
                                "authors": [], "published": day}) + "\n")
    (data / "questions.jsonl").write_text("".join(json.dumps(
        {"id": f"q{i}", "date": day, "source": "test", "question": q, "choices": [a, "x", "y", "z"],
         "answer_index": 0, "answer": a, "evidence": "", "article_ids": [], "answer_in_articles": True}) + "\n"
        for i, (q, a, day) in enumerate(QUESTIONS)))
    chroma = str(tmp_path / "chroma")
    Assistant(Settings.from_env({}, chroma=chroma, collection="realtimeqa"), embedder=real_embedder).ingest(
        [data / "articles.jsonl.gz"])

    rows = main(["--data", str(data), "--chroma", chroma, "--candidates", "10", "--dense-weight", "0.5",
                 "--recency-weight", "0,1", "--recency-days", "14", "--per-article", "2", "--period-weight", "0,1"])
    out = capsys.readouterr().out
    assert "3 questions, 5 passages" in out and "BM25 only" in out and "dense only" in out
    assert len(rows) == 2 + 4  # the two sides alone, then 2 recency × 2 period settings
    assert all(r["R@20"] == 1.0 for r in rows)  # five passages: every answer is found
    assert all(0 < r["MRR@10"] <= 1 for r in rows)
