"""Speed and memory benchmark: prints a table (python -m eval.bench --help).

Measures, in one run and on the same passages: the embedding model's raw encode() rate against the
ingest pipeline's rate (load, chunk, dedupe, embed, upsert, BM25), retrieval latency on the built
store, the LLM's first token and whole answer, the time `newsqa serve` takes to answer HTTP, and RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from assistant.config import Settings
from assistant.core import Assistant
from eval.sets import DEFAULT_SET, load_realtimeqa, load_set
from index.chunking import chunk_articles
from index.ingest import Ingestor
from index.loaders import load_paths
from index.store import Store
from index.types import Article

SAMPLE = Path(__file__).resolve().parent.parent / "index" / "sample"


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def articles_from(data: Path | None, n: int) -> list[Article]:
    """The first n articles of RealTimeQA (when given) or of the bundled sample."""
    source = [data / "articles.jsonl.gz"] if data else [SAMPLE]
    out = []
    for rec in load_paths(source):
        if isinstance(rec, Article):
            out.append(rec)
            if len(out) >= n:
                break
    return out


def bench_ingest(embedder, articles: list[Article], repeat: int, settings: Settings) -> dict:
    """Raw encode() rate vs the pipeline's, alternating, on the same chunks; medians and ratio."""
    chunks = chunk_articles(articles, settings.chunk_size, settings.chunk_overlap)
    texts = [c.embed_text for c in chunks]
    raw, pipe = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        embedder.model.encode(texts, batch_size=settings.embed_batch, normalize_embeddings=True, show_progress_bar=False)
        raw.append(len(texts) / (time.perf_counter() - t))
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(str(Path(tmp) / "chroma"), "bench", embedder.name, lexical_dir=Path(tmp) / "lex")
            t = time.perf_counter()
            report = Ingestor(store, embedder, settings.chunk_size, settings.chunk_overlap).ingest(articles)
            store.snapshot()
            pipe.append(report.chunks_written / (time.perf_counter() - t))
    r, p = statistics.median(raw), statistics.median(pipe)
    return {"articles": len(articles), "passages": len(texts), "raw_passages_per_s": round(r, 1),
            "pipeline_passages_per_s": round(p, 1), "ratio": round(p / r, 3),
            "pipeline_articles_per_s": round(p * len(articles) / len(texts), 2), "repeats": repeat}


def bench_queries(assistant: Assistant, items: list) -> dict:
    """Retrieval latency (warm, each question as of its own date) over the questions, p50 and p95 in ms."""
    assistant.retrieve("warm up")
    times, embed = [], []
    for item in items:
        t = time.perf_counter()
        assistant.retrieve(item.question, as_of=item.as_of)
        times.append(1000 * (time.perf_counter() - t))
        t = time.perf_counter()
        assistant.embedder.embed_query(item.question)
        embed.append(1000 * (time.perf_counter() - t))
    times.sort()
    return {"queries": len(times), "chunks": assistant.store.count(), "dense_search": assistant.settings.dense_search,
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1),
            "embed_query_p50_ms": round(statistics.median(embed), 1)}


def prompt_tokens(assistant: Assistant, question: str, passages: list, today) -> int | None:
    """Tokens of the user message the local LLM reads for a question (None for other backends)."""
    from assistant.prompts import chat_prompt, prompt_inputs

    model = getattr(assistant.backend, "model", None)
    if model is None or not hasattr(model, "tokenize"):
        return None
    inputs = prompt_inputs(question, passages, today, assistant.settings.llm_passage_chars)
    user = chat_prompt().invoke(inputs).to_messages()[-1].content
    return len(model.tokenize(user.encode("utf-8"), add_bos=False))


def bench_llm(assistant: Assistant, items: list) -> dict:
    """First token and whole answer of the LLM (p50 s), and how many prompt tokens it read per second."""
    _ = assistant.backend
    assistant.ask("warm up: what is in the news?")
    first, total, rates, sizes = [], [], [], []
    for item in items:
        a = assistant.ask(item.question, as_of=item.as_of)
        total.append(a.timings["total_s"])
        if "first_token_s" in a.timings:
            first.append(a.timings["first_token_s"])
            n = prompt_tokens(assistant, item.question, list(a.passages), item.as_of or date.today())
            if n:
                sizes.append(n)
                rates.append(n / (a.timings["first_token_s"] - a.timings.get("retrieve_s", 0.0)))
    return {"backend": assistant.backend_name, "questions": len(items),
            "passage_chars": assistant.settings.llm_passage_chars,
            "first_token_p50_s": round(statistics.median(first), 2) if first else None,
            "answer_p50_s": round(statistics.median(total), 2),
            "prompt_tokens_p50": round(statistics.median(sizes)) if sizes else None,
            "prompt_tokens_per_s_p50": round(statistics.median(rates)) if rates else None}


def proc_mb(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of a process, in MB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return 0.0


def bench_serve(chroma: str, collection: str, ask: str | None = None) -> dict:
    """Seconds from starting `newsqa serve` to the page answering HTTP 200; its RSS at rest (warmed up,
    models loaded) and, after answering `ask` through the API, its peak."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NEWSQA_CHROMA": chroma, "NEWSQA_COLLECTION": collection, "NEWSQA_PORT": str(port)}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready, out = None, {}
    try:
        while time.perf_counter() - t < 120:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                    ready = time.perf_counter() - t
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        if ready and ask:
            time.sleep(5)  # let the warm-up thread finish loading the models
            httpx.post(f"http://127.0.0.1:{port}/api/retrieve", json={"query": "warm"}, timeout=300)
            out["rss_rest_mb"] = proc_mb(proc.pid, "VmRSS")
            httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"question": ask}, timeout=600)
            out["rss_peak_mb"] = proc_mb(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"ready_s": round(ready, 2) if ready else None, **out}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print its table."""
    ap = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="RealTimeQA-2024 folder (default: the bundled sample)")
    ap.add_argument("--articles", type=int, default=200, help="articles for the ingest comparison")
    ap.add_argument("--repeat", type=int, default=3, help="alternating raw/pipeline repeats (medians)")
    ap.add_argument("--chroma", help="an existing store for query and serve timings (default: the ingest's own)")
    ap.add_argument("--collection", default="news")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--llm-questions", type=int, default=0, help="questions answered by the LLM (0: skip)")
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument("--serve-ask", action="store_true", help="also answer one question through the served API "
                    "(memory of the serving process at rest and at its peak)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    settings = Settings.from_env()
    results: dict = {"machine": f"{os.cpu_count()} cores", "python": sys.version.split()[0]}
    probe = Assistant.from_settings(settings.replace(chroma=":memory:", collection="probe"))
    embedder = probe.embedder
    results["embed_dtype"] = embedder.dtype
    results["rss_models_mb"] = round(rss_mb())
    articles = articles_from(args.data, args.articles)
    results["ingest"] = bench_ingest(embedder, articles, args.repeat, settings)
    with tempfile.TemporaryDirectory() as tmp:
        chroma = args.chroma or str(Path(tmp) / "chroma")
        a = Assistant(settings.replace(chroma=chroma, collection=args.collection), embedder=embedder)
        if not args.chroma:
            Ingestor(a.store, embedder, settings.chunk_size, settings.chunk_overlap).ingest(articles)
        items = load_realtimeqa(args.data) if args.data else load_set(DEFAULT_SET)
        results["query"] = bench_queries(a, items[: args.queries])
        answerable = [i for i in items if i.answerable and not i.follows]
        if args.llm_questions:
            step = max(1, len(answerable) // args.llm_questions)  # spread over the set, not its first days
            results["llm"] = bench_llm(a, answerable[::step][: args.llm_questions])
        if not args.no_serve:
            results["serve"] = bench_serve(chroma, args.collection, answerable[0].question if args.serve_ask else None)
    results["rss_end_mb"], results["rss_peak_mb"] = round(rss_mb()), round(peak_mb())
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


def print_table(r: dict) -> None:
    """The results as a plain table."""
    i, q = r["ingest"], r["query"]
    rows = [("passages embedded (raw encode)", f"{i['raw_passages_per_s']}/s"),
            ("passages ingested (pipeline)", f"{i['pipeline_passages_per_s']}/s"),
            ("pipeline / raw", f"{i['ratio']}"), ("articles ingested", f"{i['pipeline_articles_per_s']}/s"),
            (f"retrieval p50 / p95 ({q['chunks']} chunks, dense {q['dense_search']})", f"{q['p50_ms']} / {q['p95_ms']} ms"),
            ("  of which query embedding p50", f"{q['embed_query_p50_ms']} ms")]
    if "llm" in r:
        m = r["llm"]
        rows += [("LLM first token p50", f"{m['first_token_p50_s']} s"), ("LLM answer p50", f"{m['answer_p50_s']} s"),
                 (f"LLM prompt p50 (passages cut to {m['passage_chars']} chars)",
                  f"{m['prompt_tokens_p50']} tokens read at {m['prompt_tokens_per_s_p50']}/s")]
    if "serve" in r:
        rows.append(("serve ready", f"{r['serve']['ready_s']} s"))
        if "rss_rest_mb" in r["serve"]:
            rows += [("serve RSS at rest / peak (one answer)", f"{r['serve']['rss_rest_mb']} / {r['serve']['rss_peak_mb']} MB")]
    rows += [("RSS with models loaded", f"{r['rss_models_mb']} MB"), ("RSS peak", f"{r['rss_peak_mb']} MB")]
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':{width}}  value\n{'-' * width}  -----")
    for k, v in rows:
        print(f"{k:{width}}  {v}")
    print(f"({i['articles']} articles, {i['passages']} passages, medians of {i['repeats']} alternating runs; "
          f"embeddings in {r['embed_dtype']}; {r['machine']})")


if __name__ == "__main__":
    main()
