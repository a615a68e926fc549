"""Eval sets: the shipped Q&A JSONL format and the RealTimeQA-2024 benchmark (read from its folder)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from index.errors import InputError
from index.normalize import make_article

DEFAULT_SET = Path(__file__).resolve().parent / "data" / "sample.jsonl"


@dataclass(frozen=True)
class EvalItem:
    """One question with its gold answers, supporting articles and, optionally, choices."""

    id: str
    question: str
    answers: tuple[str, ...]  # the gold answer first, then accepted aliases
    answerable: bool
    article_ids: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    answer_index: int | None = None
    as_of: date | None = None
    follows: str | None = None
    kinds: tuple[str, ...] = ()


def load_set(path: str | Path) -> list[EvalItem]:
    """Items of a JSONL eval set; a malformed line raises InputError naming file, line and field."""
    items: list[EvalItem] = []
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such eval set; give a .jsonl file or 'realtimeqa'")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{where}: malformed JSON ({e.msg})") from None
        for field in ("id", "question"):
            if not isinstance(row.get(field), str) or not row[field].strip():
                raise InputError(f"{where}: field '{field}' must be non-empty text")
        answerable = bool(row.get("answerable", bool(row.get("answer"))))
        if answerable and not row.get("answer"):
            raise InputError(f"{where}: field 'answer' is empty but the question is marked answerable")
        choices = tuple(row.get("choices") or ())
        if choices and not isinstance(row.get("answer_index"), int):
            raise InputError(f"{where}: field 'answer_index' must give the right choice's position")
        items.append(EvalItem(
            id=row["id"], question=row["question"],
            answers=tuple(a for a in [row.get("answer", "")] + list(row.get("aliases") or []) if a),
            answerable=answerable, article_ids=tuple(row.get("article_ids") or ()), choices=choices,
            answer_index=row.get("answer_index"),
            as_of=date.fromisoformat(row["as_of"]) if row.get("as_of") else None,
            follows=row.get("follows"), kinds=tuple(row.get("kinds") or ())))
    known = {i.id for i in items}
    for item in items:
        if item.follows and item.follows not in known:
            raise InputError(f"{path}: item {item.id!r} follows unknown item {item.follows!r}")
    return items


def realtimeqa_article_ids(folder: Path) -> dict[str, str]:
    """RealTimeQA article id → the id newsqa gives that article (derived from its URL)."""
    mapping = {}
    with gzip.open(folder / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            try:
                mapping[row["id"]] = make_article(title=row.get("title") or "", text=row.get("text") or "",
                                                  url=row.get("url"), published=row.get("published")).id
            except ValueError:
                continue  # the loader rejects the same rows
    return mapping


def load_realtimeqa(folder: str | Path) -> list[EvalItem]:
    """The RealTimeQA-2024 questions, each asked as of its quiz date; answerable = answer in its articles."""
    folder = Path(folder)
    if not (folder / "questions.jsonl").is_file() or not (folder / "articles.jsonl.gz").is_file():
        raise InputError(f"{folder}: expected questions.jsonl and articles.jsonl.gz of RealTimeQA-2024")
    ids = realtimeqa_article_ids(folder)
    items = []
    for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        items.append(EvalItem(
            id=row["id"], question=row["question"], answers=(row["answer"],),
            answerable=bool(row["answer_in_articles"]),
            article_ids=tuple(ids[a] for a in row.get("article_ids", []) if a in ids),
            choices=tuple(row["choices"]), answer_index=row["answer_index"],
            as_of=date.fromisoformat(row["date"]), kinds=(row.get("source", ""),)))
    return items


def select_items(items: list[EvalItem], only: str | None = None, limit: int | None = None,
                 spread: bool = False) -> list[EvalItem]:
    """The answerable or unanswerable items (`only`), then the first `limit`, or `limit` spread evenly."""
    if only:
        items = [i for i in items if i.answerable == (only == "answerable")]
    if limit and spread and len(items) > limit:
        return [items[i * len(items) // limit] for i in range(limit)]  # a follow-up may lose its turn
    return items[:limit] if limit else items
