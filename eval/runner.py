"""Runs an eval set through the Assistant (like any script would) and scores every question."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from eval.metrics import (accuracy, exact_match, first_hit, has_answer, mean, percentile, recall_at,
                          reciprocal_rank, token_f1)
from eval.sets import EvalItem

KS = (1, 4, 10, 20)
_MARKERS = re.compile(r"\s*\[\d{1,2}\]")


def _article_rank(article_ids: Sequence[str], gold: Sequence[str]) -> int | None:
    return next((i for i, a in enumerate(article_ids, start=1) if a in gold), None)


def score_item(assistant, item: EvalItem, history: list[tuple[str, str]], systems: Sequence[str],
               retrieval_only: bool) -> dict:
    """One row: per-system retrieval ranks, then the answer, citations and choice of the assistant."""
    row: dict = {"id": item.id, "question": item.question, "answers": list(item.answers),
                 "answerable": item.answerable, "kinds": list(item.kinds), "article_ids": list(item.article_ids),
                 "as_of": item.as_of.isoformat() if item.as_of else None, "retrieval": {}}
    query = assistant.search_query(item.question, history)
    for system in systems:
        t = time.perf_counter()
        passages = assistant.retrieve(query, k=max(KS), as_of=item.as_of, mode=system)
        elapsed = time.perf_counter() - t
        row["retrieval"][system] = {
            "rank": first_hit([p.chunk.embed_text for p in passages], item.answers) if item.answerable else None,
            "article_rank": _article_rank([p.chunk.article_id for p in passages], item.article_ids),
            "latency_s": elapsed, "top": [p.chunk.id for p in passages[:4]]}
    if retrieval_only:
        return row
    ans = assistant.ask(item.question, as_of=item.as_of, history=history)
    plain = _MARKERS.sub("", ans.text).strip()
    supported = [has_answer(c.quote, item.answers) or c.article_id in item.article_ids for c in ans.citations]
    row["answer"] = {
        "text": ans.text, "abstained": ans.abstained, "backend": ans.backend,
        "accuracy": accuracy(plain, item.answers) if item.answerable and not ans.abstained else 0.0,
        "exact_match": exact_match(plain, item.answers) if item.answerable and not ans.abstained else 0.0,
        "f1": token_f1(plain, item.answers) if item.answerable and not ans.abstained else 0.0,
        "citations": [{"n": c.n, "article_id": c.article_id, "title": c.title, "supported": s}
                      for c, s in zip(ans.citations, supported)],
        "latency_s": ans.timings.get("total_s"), "first_token_s": ans.timings.get("first_token_s")}
    if item.choices:
        pick = assistant.choose(item.question, list(item.choices), as_of=item.as_of)
        row["choice"] = {"picked": pick.choice, "gold": item.answer_index,
                         "correct": pick.choice is not None and pick.choice == item.answer_index,
                         "latency_s": pick.timings.get("total_s")}
    return row


def run(assistant, items: Sequence[EvalItem], systems: Sequence[str] = ("hybrid",), retrieval_only: bool = False,
        progress: Callable[[dict], None] | None = None) -> list[dict]:
    """Rows for every item, follow-ups asked after the turn they follow (with its gold answer)."""
    by_id = {i.id: i for i in items}
    rows = []
    for item in items:
        history = []
        if item.follows and item.follows in by_id:
            prev = by_id[item.follows]
            history = [(prev.question, prev.answers[0] if prev.answers else "")]
        rows.append(score_item(assistant, item, history, systems, retrieval_only))
        if progress:
            progress(rows[-1])
    return rows


def _fmt(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def summarize(rows: Sequence[dict], systems: Sequence[str]) -> dict:
    """Headline metrics per retrieval system, then for answers, citations, abstention and latency."""
    answerable = [r for r in rows if r["answerable"]]
    out: dict = {"questions": len(rows), "answerable": len(answerable), "retrieval": {}}
    for s in systems:
        ranks = [r["retrieval"][s]["rank"] for r in answerable]
        with_articles = [r for r in answerable if r["article_ids"]]
        out["retrieval"][s] = {
            **{f"R@{k}": _fmt(mean(recall_at(x, k) for x in ranks)) for k in KS},
            "MRR@10": _fmt(mean(reciprocal_rank(x, 10) for x in ranks)),
            **{f"article_R@{k}": _fmt(mean(recall_at(r["retrieval"][s]["article_rank"], k) for r in with_articles))
               for k in (4, 20)},
            "latency_p50_ms": _fmt(1000 * (percentile([r["retrieval"][s]["latency_s"] for r in rows], 50) or 0)),
            "latency_p95_ms": _fmt(1000 * (percentile([r["retrieval"][s]["latency_s"] for r in rows], 95) or 0))}
    asked = [r for r in rows if "answer" in r]
    if asked:
        ok = [r for r in asked if r["answerable"]]
        unans = [r for r in asked if not r["answerable"]]
        cites = [c for r in ok if not r["answer"]["abstained"] for c in r["answer"]["citations"]]
        chosen = [r for r in asked if "choice" in r]
        out["answers"] = {
            "accuracy": _fmt(mean(r["answer"]["accuracy"] for r in ok)),
            "exact_match": _fmt(mean(r["answer"]["exact_match"] for r in ok)),
            "f1": _fmt(mean(r["answer"]["f1"] for r in ok)),
            "mc_accuracy": _fmt(mean(float(r["choice"]["correct"]) for r in chosen if r["answerable"])),
            "mc_accuracy_all": _fmt(mean(float(r["choice"]["correct"]) for r in chosen)),
            "mc_questions": len(chosen)}
        out["citations"] = {
            "precision": _fmt(mean(float(c["supported"]) for c in cites)),
            "recall": _fmt(mean(float(any(c["supported"] for c in r["answer"]["citations"])) for r in ok)),
            "per_answer": _fmt(mean(len(r["answer"]["citations"]) for r in ok if not r["answer"]["abstained"]))}
        out["abstention"] = {
            "unanswerable_declined": _fmt(mean(float(r["answer"]["abstained"]) for r in unans)),
            "answerable_wrongly_declined": _fmt(mean(float(r["answer"]["abstained"]) for r in ok)),
            "unanswerable": len(unans)}
        lat = [r["answer"]["latency_s"] for r in asked if r["answer"]["latency_s"] is not None]
        first = [r["answer"]["first_token_s"] for r in asked if r["answer"]["first_token_s"] is not None]
        out["latency_s"] = {"answer_p50": _fmt(percentile(lat, 50)), "answer_p95": _fmt(percentile(lat, 95)),
                            "first_token_p50": _fmt(percentile(first, 50)),
                            "first_token_p95": _fmt(percentile(first, 95))}
        kinds = sorted({k for r in ok for k in r["kinds"]})
        out["accuracy_by_kind"] = {k: _fmt(mean(r["answer"]["accuracy"] for r in ok if k in r["kinds"])) for k in kinds}
    return out
