"""End to end with the real parts: packaged embedding model, persistent Chroma, offline LLM, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date

import pytest

from assistant.config import Settings
from assistant.core import Assistant
from tests.conftest import SAMPLE, TARIFF_Q, write_jsonl

pytestmark = pytest.mark.e2e
FOUNDING = "Japan's Akazawa holds \"in-depth\" calls with Lutnick as 24% tariff deadline nears"
OFF_CORPUS = "Who won the 2022 FIFA World Cup final?"


@pytest.fixture(scope="module")
def sample_assistant(sample_store_dir, real_embedder):
    return Assistant(Settings.from_env({}, chroma=str(sample_store_dir), llm="extractive"), embedder=real_embedder)


@pytest.fixture(scope="module")
def llm_assistant(sample_store_dir, real_embedder):
    from assistant.llm import make_backend

    settings = Settings.from_env({}, chroma=str(sample_store_dir), llm="local")
    return Assistant(settings, embedder=real_embedder, backend=make_backend(settings))


def test_reingesting_the_sample_adds_nothing(sample_assistant):
    before = sample_assistant.store.count()
    report = sample_assistant.ingest([SAMPLE])
    assert (report.added, report.updated, report.unchanged, report.chunks_written) == (0, 0, 307, 0)
    assert sample_assistant.store.count() == before


def test_tariff_question_retrieves_the_founding_article_first(sample_assistant):
    passages = sample_assistant.retrieve(TARIFF_Q)
    assert passages[0].chunk.title == FOUNDING
    assert "24% reciprocal tariff" in " ".join(p.chunk.text for p in passages if p.chunk.title == FOUNDING)


def test_stats_of_the_sample(sample_assistant):
    s = sample_assistant.stats()
    assert s["articles"] == 307 and len(s["outlets"]) == 10 and s["earliest"] == "2016-12-02"


def test_month_in_question_restricts_dates(sample_assistant):
    passages = sample_assistant.retrieve("What did Theresa May say about Brexit in March 2017?", k=8)
    assert passages and all(date(2017, 3, 1) <= p.chunk.published <= date(2017, 3, 31) for p in passages)


def test_source_filter(sample_assistant):
    from index.store import Filters

    passages = sample_assistant.retrieve("election results", k=6, filters=Filters(sources=("BBC",)))
    assert passages and {p.chunk.source for p in passages} == {"BBC"}


@pytest.mark.llm
def test_offline_llm_answers_24_percent_citing_the_founding_article(llm_assistant):
    answer = llm_assistant.ask(TARIFF_Q)
    assert not answer.abstained
    assert "24%" in answer.text or "24 percent" in answer.text
    assert FOUNDING in {c.title for c in answer.citations}
    assert answer.backend == "local:qwen2.5-coder-1.5b-instruct-q4_k_m"


@pytest.mark.llm
def test_question_not_in_the_corpus_is_declined(llm_assistant):
    answer = llm_assistant.ask(OFF_CORPUS)
    assert answer.abstained and answer.citations == ()
    assert answer.text == "I could not find this in the indexed articles."


def run_cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.llm
def test_cli_ask_json_prints_answer_with_citations(sample_store_dir):
    out = run_cli("ask", TARIFF_Q, "--json", env={"NEWSQA_CHROMA": str(sample_store_dir)})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert "24" in data["answer"] and not data["abstained"]
    assert data["citations"] and data["citations"][0]["title"] == FOUNDING
    assert data["citations"][0]["quote"] and data["passages"][0]["title"] == FOUNDING


def test_cli_ingest_reports_bad_input_and_keeps_good(tmp_path):
    good = write_jsonl(tmp_path / "a.jsonl", [{"title": "Hello", "text": "A small article body."}])
    out = run_cli("ingest", str(good), str(tmp_path / "missing.txt"), env={"NEWSQA_CHROMA": str(tmp_path / "c")})
    assert out.returncode == 1
    assert "added 1," in out.stdout and "missing.txt: no such file or folder" in out.stderr
    stats = run_cli("stats", "--json", env={"NEWSQA_CHROMA": str(tmp_path / "c"), "NEWSQA_LLM": "extractive"})
    assert json.loads(stats.stdout)["articles"] == 1


def test_cli_bad_setting_is_one_line(tmp_path):
    out = run_cli("stats", env={"NEWSQA_K": "lots"})
    assert out.returncode == 2 and out.stderr.strip() == "newsqa: error: NEWSQA_K='lots' is not an integer"
    out = run_cli("ask", "q", "--since", "March", env={"NEWSQA_CHROMA": str(tmp_path / "c")})
    assert out.returncode == 2 and "--since 'March' is not a date" in out.stderr


def test_chroma_server_backend(tmp_path, real_embedder, chroma_server):
    rows = [{"title": f"Story {i}", "text": f"Article number {i} is about {topic}.", "url": f"https://ex.org/{i}",
             "published": f"2017-03-0{i + 1}"} for i, topic in enumerate(["volcanoes in Iceland", "the Senate vote",
                                                                          "a football final"])]
    settings = Settings.from_env({}, chroma=chroma_server, llm="extractive", cache_dir=str(tmp_path / "cache"))
    a = Assistant(settings, embedder=real_embedder)
    assert a.ingest([write_jsonl(tmp_path / "a.jsonl", rows)]).added == 3
    other_process_view = Assistant(settings, embedder=real_embedder)
    assert other_process_view.retrieve("Iceland volcano eruption", k=1)[0].chunk.title == "Story 0"
    assert a.ingest([write_jsonl(tmp_path / "a.jsonl", rows)]).unchanged == 3
    more = [{"title": "Story 9", "text": "Glaciers are melting in Greenland.", "url": "https://ex.org/9"}]
    a.ingest([write_jsonl(tmp_path / "b.jsonl", more)])
    deadline = time.monotonic() + 3  # another process's snapshot catches up within refresh_s (1 s)
    while not (hits := other_process_view.retrieve("Greenland glaciers", k=1, mode="bm25")) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    assert hits[0].chunk.title == "Story 9"  # the other view's snapshot caught up with the server


@pytest.fixture
def chroma_server(tmp_path):
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = os.path.join(os.path.dirname(sys.executable), "chroma")
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.llm
def test_offline_llm_picks_a_choice_from_letter_probabilities(llm_assistant):
    from assistant.llm import first_token_logprobs

    lp = first_token_logprobs(llm_assistant.backend, [{"role": "user", "content": (
        "Which of these is a fruit?\nA. a hammer\nB. an apple\nC. a train\nReply with the letter only.")}],
        ["A", "B", "C"])
    assert lp is not None and max(range(3), key=lp.__getitem__) == 1
    answer = llm_assistant.choose(TARIFF_Q, ["10%", "15%", "24%", "35%"])
    assert answer.choice == 2 and FOUNDING in {c.title for c in answer.citations}
