"""`newsqa eval`: pick the set and store, ingest what it needs, run, write the report."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

from assistant.config import Settings
from eval import report
from eval.runner import run, summarize
from eval.sets import DEFAULT_SET, load_realtimeqa, load_set, select_items
from index.errors import InputError

SAMPLE = Path(__file__).resolve().parent.parent / "index" / "sample"


def run_eval(set_name: str, settings: Settings, *, data: Path | None, limit: int | None, out: Path,
             baselines: list[str], retrieval_only: bool, ingest: bool = True, only: str | None = None,
             spread: bool = False) -> dict:
    """Run one eval and write its files; returns the summary."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from assistant.core import Assistant

    err = Console(stderr=True)
    if set_name == "realtimeqa":
        if data is None:
            raise InputError("the realtimeqa set needs --data PATH (the folder with questions.jsonl and articles.jsonl.gz)")
        items = load_realtimeqa(data)
        corpus = [data / "articles.jsonl.gz"]
    else:
        items = load_set(set_name)
        corpus = [SAMPLE] if Path(set_name).resolve() == DEFAULT_SET else []
    items = select_items(items, only, limit, spread)
    assistant = Assistant.from_settings(settings)
    if ingest and corpus:
        err.print(f"indexing {', '.join(map(str, corpus))} into {settings.chroma} (only what is not there yet)…")
        with Progress(TextColumn("embedding"), BarColumn(), TextColumn("{task.completed} chunks"), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("embed", total=None)
            err.print(assistant.ingest(corpus, progress=lambda n: bar.advance(task, n)).summary())
    systems = ["hybrid"] + [b for b in baselines if b != "hybrid"]
    with Progress(TextColumn("questions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("eval", total=len(items))
        rows = run(assistant, items, systems, retrieval_only, progress=lambda _: bar.advance(task))
    summary = summarize(rows, systems)
    meta = {"set": set_name if set_name == "realtimeqa" else Path(set_name).name,
            "command": "newsqa " + shlex.join(sys.argv[1:]) if sys.argv else "newsqa eval",
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "backend": "none (retrieval only)" if retrieval_only else assistant.backend_name, "k": settings.k,
            "embeddings": assistant.store.embedding_name, "store": f"{settings.chroma} [{settings.collection}]",
            "settings": settings.describe()}
    report.write(out, rows, summary, meta)
    print(report.terminal_table(summary))
    print(f"wrote {out}/rows.jsonl, summary.json, report.md, chart.png")
    return summary
