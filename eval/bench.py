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
            store.lexical()
            pipe.append(report.chunks_written / (time.perf_counter() - t))
    r, p = statistics.median(raw), statistics.median(pipe)
    return {"articles": len(articles), "passages": len(texts), "raw_passages_per_s": round(r, 1),
            "pipeline_passages_per_s": round(p, 1), "ratio": round(p / r, 3),
            "pipeline_articles_per_s": round(p * len(articles) / len(texts), 2), "repeats": repeat}


def bench_queries(assistant: Assistant, questions: list[str]) -> dict:
    """Retrieval latency (warm) over the questions, p50 and p95 in ms."""
    assistant.retrieve("warm up")
    times = []
    for q in questions:
        t = time.perf_counter()
        assistant.retrieve(q)
        times.append(1000 * (time.perf_counter() - t))
    times.sort()
    return {"queries": len(times), "chunks": assistant.store.count(),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1)}


def bench_llm(assistant: Assistant, questions: list[str]) -> dict:
    """First token and whole answer of the LLM, p50 in seconds."""
    _ = assistant.backend
    first, total = [], []
    for q in questions:
        a = assistant.ask(q)
        if "first_token_s" in a.timings:
            first.append(a.timings["first_token_s"])
        total.append(a.timings["total_s"])
    return {"backend": assistant.backend_name, "questions": len(questions),
            "first_token_p50_s": round(statistics.median(first), 2) if first else None,
            "answer_p50_s": round(statistics.median(total), 2)}


def bench_serve(chroma: str, collection: str) -> dict:
    """Seconds from starting `newsqa serve` to the page answering HTTP 200."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NEWSQA_CHROMA": chroma, "NEWSQA_COLLECTION": collection, "NEWSQA_PORT": str(port)}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = None
    try:
        while time.perf_counter() - t < 120:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                    ready = time.perf_counter() - t
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"ready_s": round(ready, 2) if ready else None}


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
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    settings = Settings.from_env()
    results: dict = {"machine": f"{os.cpu_count()} cores", "python": sys.version.split()[0]}
    probe = Assistant.from_settings(settings.replace(chroma=":memory:", collection="probe"))
    embedder = probe.embedder
    results["rss_models_mb"] = round(rss_mb())
    articles = articles_from(args.data, args.articles)
    results["ingest"] = bench_ingest(embedder, articles, args.repeat, settings)
    with tempfile.TemporaryDirectory() as tmp:
        chroma = args.chroma or str(Path(tmp) / "chroma")
        a = Assistant(settings.replace(chroma=chroma, collection=args.collection), embedder=embedder)
        if not args.chroma:
            Ingestor(a.store, embedder, settings.chunk_size, settings.chunk_overlap).ingest(articles)
        items = load_realtimeqa(args.data) if args.data else load_set(DEFAULT_SET)
        questions = [i.question for i in items][: args.queries]
        results["query"] = bench_queries(a, questions)
        if args.llm_questions:
            results["llm"] = bench_llm(a, [i.question for i in items if i.answerable][: args.llm_questions])
        if not args.no_serve:
            results["serve"] = bench_serve(chroma, args.collection)
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
            (f"retrieval p50 / p95 ({q['chunks']} chunks)", f"{q['p50_ms']} / {q['p95_ms']} ms")]
    if "llm" in r:
        rows += [("LLM first token p50", f"{r['llm']['first_token_p50_s']} s"), ("LLM answer p50", f"{r['llm']['answer_p50_s']} s")]
    if "serve" in r:
        rows.append(("serve ready", f"{r['serve']['ready_s']} s"))
    rows += [("RSS with models loaded", f"{r['rss_models_mb']} MB"), ("RSS peak", f"{r['rss_peak_mb']} MB")]
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':{width}}  value\n{'-' * width}  -----")
    for k, v in rows:
        print(f"{k:{width}}  {v}")
    print(f"({i['articles']} articles, {i['passages']} passages, medians of {i['repeats']} alternating runs; {r['machine']})")


if __name__ == "__main__":
    main()
