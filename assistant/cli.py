"""The `newsqa` command: ingest, ask, retrieve, stats, serve."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from assistant.config import Settings
from assistant.errors import NewsqaError
from assistant.timeparse import parse_day
from index.store import Filters

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Ask questions about news articles; every answer cites the passages it uses.")
SAMPLE = Path(__file__).resolve().parent.parent / "index" / "sample"

ChromaOpt = Annotated[Optional[str], typer.Option("--chroma", help="Store: a folder, http://host:port, or :memory: [NEWSQA_CHROMA]")]
CollectionOpt = Annotated[Optional[str], typer.Option("--collection", help="Collection name [NEWSQA_COLLECTION]")]
LlmOpt = Annotated[Optional[str], typer.Option("--llm", help="local | local:PATH.gguf | openai:MODEL | ollama:MODEL | extractive [NEWSQA_LLM]")]
KOpt = Annotated[Optional[int], typer.Option("-k", "--k", help="Passages to retrieve [NEWSQA_K]")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Only articles published on or after YYYY-MM-DD")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="Only articles published on or before YYYY-MM-DD")]
SourceOpt = Annotated[Optional[list[str]], typer.Option("--source", help="Only this outlet (repeatable), e.g. BBC")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="Treat this date (YYYY-MM-DD) as today [NEWSQA_AS_OF]")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _settings(**overrides: object) -> Settings:
    return Settings.from_env(**overrides)


def _assistant(settings: Settings):
    from assistant.core import Assistant

    return Assistant.from_settings(settings)


def _filters(since: str | None, until: str | None, source: list[str] | None) -> Filters:
    f = Filters(parse_day(since, "--since"), parse_day(until, "--until"), tuple(source or ()))
    if f.since and f.until and f.since > f.until:
        raise NewsqaError(f"--since {f.since} is after --until {f.until}")
    return f


@app.command()
def ingest(paths: Annotated[Optional[list[str]], typer.Argument(help="Files, folders (.txt .jsonl[.gz] .json .csv[.gz] .html) or article URLs")] = None,
           feed: Annotated[Optional[list[str]], typer.Option("--feed", help="An RSS/Atom feed URL or file (repeatable)")] = None,
           map_: Annotated[Optional[list[str]], typer.Option("--map", help="FIELD=COLUMN for CSV/JSON, e.g. text=body")] = None,
           chroma: ChromaOpt = None, collection: CollectionOpt = None, json_: JsonOpt = False) -> None:
    """Add articles to the store; unchanged ones are skipped, changed ones replaced."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    if not paths and not feed:
        raise NewsqaError("nothing to ingest: give files, folders, URLs or --feed URL")
    mapping = {}
    for item in map_ or []:
        field, sep, column = item.partition("=")
        if not sep or not column:
            raise NewsqaError(f"--map {item!r} is not FIELD=COLUMN (fields: title, text, url, source, published, authors)")
        mapping[field.strip()] = column.strip()
    a = _assistant(_settings(chroma=chroma, collection=collection))
    err = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("embedding"), BarColumn(), TextColumn("{task.completed} chunks"),
                  TimeElapsedColumn(), console=err, transient=True, disable=json_ or not err.is_terminal) as bar:
        task = bar.add_task("embed", total=None)
        report = a.ingest(paths or [], progress=lambda n: bar.advance(task, n), mapping=mapping, feeds=feed or [])
    if json_:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for r in report.rejected:
            err.print(f"[yellow]rejected[/] {r}", markup=True, highlight=False, soft_wrap=True)
        print(report.summary())
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def ask(question: str, k: KOpt = None, since: SinceOpt = None, until: UntilOpt = None, source: SourceOpt = None,
        as_of: AsOfOpt = None, llm: LlmOpt = None, chroma: ChromaOpt = None, collection: CollectionOpt = None,
        json_: JsonOpt = False) -> None:
    """Answer a question with cited passages (streamed unless --json)."""
    a = _assistant(_settings(chroma=chroma, collection=collection, llm=llm, k=k))
    live = sys.stdout.isatty() and not json_
    answer, streamed = None, ""
    for event, value in a.stream(question, filters=_filters(since, until, source), as_of=parse_day(as_of, "--as-of")):
        if event == "token" and live:
            streamed += str(value)
            sys.stdout.write(str(value))
            sys.stdout.flush()
        elif event == "answer":
            answer = value
    if json_:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return
    if live:
        print()
    if not live or answer.text != streamed.strip():
        print(("checked: " if live else "") + answer.text)
    for c in answer.citations:
        details = ", ".join(x for x in (c.source, c.published.isoformat() if c.published else None) if x)
        print(f"  [{c.n}] {c.title}" + (f" ({details})" if details else "") + (f" {c.url}" if c.url else ""))


@app.command()
def retrieve(query: str, k: KOpt = None, since: SinceOpt = None, until: UntilOpt = None, source: SourceOpt = None,
             as_of: AsOfOpt = None, mode: Annotated[str, typer.Option(help="hybrid | dense | bm25")] = "hybrid",
             chroma: ChromaOpt = None, collection: CollectionOpt = None, json_: JsonOpt = False) -> None:
    """Show the passages a question retrieves, with their scores."""
    if mode not in ("hybrid", "dense", "bm25"):
        raise NewsqaError(f"--mode {mode!r} is unknown: use hybrid, dense or bm25")
    a = _assistant(_settings(chroma=chroma, collection=collection, k=k))
    passages = a.retrieve(query, filters=_filters(since, until, source), as_of=parse_day(as_of, "--as-of"), mode=mode)
    if json_:
        from assistant.core import passage_dict

        print(json.dumps([passage_dict(p) for p in passages], indent=2, ensure_ascii=False))
        return
    for p in passages:
        c = p.chunk
        print(f"{p.rank}. {c.title} ({c.source or 'unknown'}, {c.published or 'undated'}) "
              f"score={p.score:.4f} dense={p.scores.get('dense', 0):.3f} bm25={p.scores.get('bm25', 0):.2f}")
        print("   " + c.text[:240].replace("\n", " ") + ("…" if len(c.text) > 240 else ""))


@app.command()
def stats(chroma: ChromaOpt = None, collection: CollectionOpt = None, json_: JsonOpt = False) -> None:
    """Articles, chunks, outlets and date range of the store."""
    s = _assistant(_settings(chroma=chroma, collection=collection)).stats()
    if json_:
        print(json.dumps(s, indent=2, ensure_ascii=False))
        return
    print(f"{s['articles']} articles, {s['chunks']} chunks in {s['collection']!r} at {s['location']}")
    print(f"published {s['earliest']} .. {s['latest']}; embeddings {s['embedding_model']}; llm {s['llm']}")
    for outlet, n in s["outlets"].items():
        print(f"  {n:6d}  {outlet}")


@app.command()
def serve(host: Annotated[Optional[str], typer.Option(help="Address to bind [NEWSQA_HOST]")] = None,
          port: Annotated[Optional[int], typer.Option(help="Port [NEWSQA_PORT]")] = None,
          sample: Annotated[bool, typer.Option("--sample/--no-sample", help="Index the bundled sample corpus when the store is empty")] = False,
          llm: LlmOpt = None, chroma: ChromaOpt = None, collection: CollectionOpt = None) -> None:
    """Start the chat UI (and HTTP API) on http://HOST:PORT."""
    settings = _settings(host=host, port=port, llm=llm, chroma=chroma, collection=collection)
    a = _assistant(settings)
    if sample and a.store.count() == 0:
        print(f"indexing the bundled sample corpus from {SAMPLE} (first run only)…", flush=True)
        print(a.ingest([SAMPLE]).summary(), flush=True)
    from ui.app import serve as run_server

    run_server(a)


@app.command("eval")
def eval_(set_name: Annotated[str, typer.Argument(metavar="[SET]", help="A .jsonl eval set, or 'realtimeqa' (with --data)")] = "",
          data: Annotated[Optional[Path], typer.Option(help="RealTimeQA-2024 folder (questions.jsonl, articles.jsonl.gz)")] = None,
          limit: Annotated[Optional[int], typer.Option(help="Only the first N questions")] = None,
          spread: Annotated[bool, typer.Option("--spread", help="With --limit: N questions spread evenly over the set")] = False,
          k: KOpt = None, llm: LlmOpt = None,
          out: Annotated[Path, typer.Option(help="Folder for rows.jsonl, summary.json, report.md, chart.png")] = Path("eval-out"),
          baseline: Annotated[Optional[list[str]], typer.Option(help="Also retrieve with one side alone: bm25, dense (repeatable)")] = None,
          retrieval_only: Annotated[bool, typer.Option("--retrieval-only", help="Score retrieval only (no LLM)")] = False,
          no_ingest: Annotated[bool, typer.Option("--no-ingest", help="Do not index the set's corpus first")] = False,
          only: Annotated[Optional[str], typer.Option(help="Only the 'answerable' or the 'unanswerable' questions")] = None,
          chroma: ChromaOpt = None, collection: CollectionOpt = None) -> None:
    """Run an eval set (default: the shipped one) and write a report with the field's metrics."""
    from eval.cli import run_eval
    from eval.sets import DEFAULT_SET

    for b in baseline or []:
        if b not in ("bm25", "dense"):
            raise NewsqaError(f"--baseline {b!r} is unknown: use bm25 or dense")
    if only not in (None, "answerable", "unanswerable"):
        raise NewsqaError(f"--only {only!r} is unknown: use answerable or unanswerable")
    if limit is not None and limit < 1:
        raise NewsqaError("--limit must be at least 1")
    name = set_name or str(DEFAULT_SET)
    base = Settings.from_env(llm=llm, k=k)
    if name == "realtimeqa" and not chroma and "NEWSQA_CHROMA" not in os.environ:
        chroma = str(Path(base.cache_dir) / "bench" / "realtimeqa" / "chroma")
        collection = collection or "realtimeqa"
        if "NEWSQA_CHUNK_SIZE" not in os.environ:  # the benchmark's own passages: 1,000 characters, 200 overlap
            base = base.replace(chunk_size=1000, chunk_overlap=200)
    settings = base.replace(chroma=chroma, collection=collection)
    run_eval(name, settings, data=data, limit=limit, out=out, baselines=baseline or [],
             retrieval_only=retrieval_only, ingest=not no_ingest, only=only,
             spread=spread)


def main() -> None:
    """Entry point: expected failures print one line and exit 2."""
    try:
        rc = app(standalone_mode=False)
    except NewsqaError as e:
        print(f"newsqa: error: {e}", file=sys.stderr)
        sys.exit(2)
    except (typer.Exit, SystemExit) as e:
        sys.exit(getattr(e, "exit_code", getattr(e, "code", 0)) or 0)
    except typer.Abort:
        sys.exit(130)
    except Exception as e:  # click usage errors carry their own message
        import click

        if isinstance(e, click.ClickException):
            e.show()
            sys.exit(e.exit_code)
        raise
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
