"""The eval runner end to end on a 3-pair set (fake embedder and scripted model), checking its files."""

import json

import pytest

from eval import report
from eval.runner import run, summarize
from eval.sets import DEFAULT_SET, load_set
from index.errors import InputError
from tests.conftest import ScriptedBackend, write_jsonl
from tests.test_ingest import ROWS


@pytest.fixture
def three_pairs(tmp_path):
    from index.normalize import make_article

    tariff_id = make_article(**{k: ROWS[0][k] for k in ("title", "text", "url")}).id
    return write_jsonl(tmp_path / "set.jsonl", [
        {"id": "a", "question": "What tariff rate applies to Japan?", "answer": "24%", "aliases": ["24 percent"],
         "article_ids": [tariff_id], "answerable": True, "choices": ["10%", "24%"], "answer_index": 1},
        {"id": "b", "question": "And who discussed it?", "answer": "Japan", "article_ids": [tariff_id],
         "answerable": True, "follows": "a"},
        {"id": "c", "question": "Who won the World Cup?", "answer": "", "answerable": False},
    ])


def test_runner_scores_and_writes_files(tmp_path, make_assistant, three_pairs):
    a = make_assistant(backend=ScriptedBackend("Answer: 24% [1]"))
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    items = load_set(three_pairs)
    rows = run(a, items, ["hybrid", "bm25"])
    summary = summarize(rows, ["hybrid", "bm25"])
    assert rows[0]["retrieval"]["hybrid"]["rank"] == 1 and rows[0]["answer"]["accuracy"] == 1.0
    assert rows[0]["answer"]["exact_match"] == 1.0 and rows[0]["choice"]["correct"]
    assert rows[1]["answer"]["accuracy"] == 0.0  # "24%" does not name Japan
    assert summary["retrieval"]["hybrid"]["R@1"] == 1.0 and summary["retrieval"]["bm25"]["article_R@4"] == 1.0
    assert summary["answers"]["accuracy"] == 0.5 and summary["citations"]["precision"] == 1.0
    assert summary["abstention"]["unanswerable_declined"] == 0.0  # the scripted model answers everything
    report.write(tmp_path / "out", rows, summary, {"set": "t", "command": "newsqa eval t", "date": "d",
                                                   "backend": "scripted", "k": 4, "embeddings": "e", "store": "s"})
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["chart.png", "report.md", "rows.jsonl", "summary.json"]
    assert len((tmp_path / "out" / "rows.jsonl").read_text().splitlines()) == 3
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["questions"] == 3
    md = (tmp_path / "out" / "report.md").read_text()
    assert "| newsqa (hybrid) | 1.000 |" in md and "BM25 only" in md and "(chart.png)" in md
    assert (tmp_path / "out" / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_follow_up_is_asked_with_the_turn_it_follows(tmp_path, make_assistant, three_pairs):
    backend = ScriptedBackend("Answer: Japan [1]")
    a = make_assistant(backend=backend)
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    run(a, load_set(three_pairs)[:2], ["hybrid"])
    follow_up_prompt = backend.prompts[2][1]["content"]  # a: ask, a: choose, b: ask
    assert "Question: And who discussed it?" in follow_up_prompt


def test_shipped_set_is_valid_and_covers_what_it_must():
    items = load_set(DEFAULT_SET)
    kinds = [k for i in items for k in i.kinds]
    assert len(items) >= 80 and kinds.count("founding") >= 8 and kinds.count("unanswerable") >= 15
    assert kinds.count("multi") >= 5 and kinds.count("dated") >= 5 and kinds.count("follow-up") >= 3
    assert all(i.answers and i.article_ids for i in items if i.answerable)
    assert len({i.id for i in items}) == len(items)


def test_bad_set_line_names_file_line_field(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": "x", "question": "q?", "answer": "a"}\n{"id": "y", "question": ""}\n')
    with pytest.raises(InputError, match=r"bad.jsonl:2: field 'question'"):
        load_set(f)


def test_select_items_by_kind_first_or_spread(three_pairs):
    from eval.sets import select_items

    items = load_set(three_pairs)
    assert [i.id for i in select_items(items, "answerable")] == ["a", "b"]
    assert [i.id for i in select_items(items, "unanswerable")] == ["c"]
    assert [i.id for i in select_items(items, limit=2)] == ["a", "b"]
    assert [i.id for i in select_items(items, limit=2, spread=True)] == ["a", "b"]
    assert [i.id for i in select_items(items * 2, limit=2, spread=True)] == ["a", "a"]
    assert select_items(items) == items
