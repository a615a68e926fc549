"""Fusion settings measured on one store: python -m eval.tune --help.

Ranks every answerable question once per side with the store's own snapshot (exact dense search and
BM25, both capped at the question's date), then scores each combination of fusion settings with the
retriever's own `HybridRetriever.fuse` and the assistant's named period and recency day: answer R@k
and MRR@10.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from assistant.config import Settings
from assistant.core import Assistant
from assistant.retrieval import HybridRetriever
from eval.metrics import has_answer
from eval.sets import load_realtimeqa
from index.embeddings import SentenceTransformerEmbedder
from index.store import Store, day_number, number_day


def floats(text: str) -> list[float]:
    """'0.5,1' → [0.5, 1.0]."""
    return [float(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> list[dict]:
    """Rank once, score the grid, print one line per setting (best MRR first)."""
    ap = argparse.ArgumentParser(prog="python -m eval.tune", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="RealTimeQA-2024 folder")
    ap.add_argument("--chroma", help="the store (default: newsqa eval realtimeqa's cache)")
    ap.add_argument("--collection", default="realtimeqa")
    ap.add_argument("--candidates", default="40,100")
    ap.add_argument("--dense-weight", default="0.5,1,1.5")
    ap.add_argument("--recency-weight", default="0,0.5,1")
    ap.add_argument("--recency-days", default="14,30")
    ap.add_argument("--per-article", default="1,2,3")
    ap.add_argument("--period-weight", default="0.25", help="weight of the period a question names (0: none)")
    args = ap.parse_args(argv)

    settings = Settings.from_env()
    chroma = args.chroma or str(Path(settings.cache_dir) / "bench" / "realtimeqa" / "chroma")
    embedder = SentenceTransformerEmbedder(settings.embeddings, settings.embed_device, settings.embed_batch,
                                           settings.threads or None, settings.embed_dtype)
    store = Store(chroma, args.collection, embedder.name, lexical_dir=Path(chroma) / "newsqa-lexical")
    t = time.perf_counter()
    lex = store.snapshot()
    assistant = Assistant(settings, store=store, embedder=embedder)
    docs = {cid: doc for cid, doc, _ in store.iter_all()}
    items = [i for i in load_realtimeqa(args.data) if i.answerable]
    print(f"{len(items)} questions, {len(lex.ids)} passages loaded in {time.perf_counter() - t:.0f} s")

    pool = int(max(floats(args.candidates)))
    ranked = []  # per question: (item, dense ids, bm25 ids), best first, capped at its date
    for item in items:
        mask = lex.mask(until=day_number(item.as_of))
        dense = [cid for cid, _ in lex.dense(embedder.embed_query(item.question), pool, mask)]
        bm25 = [cid for cid, _ in lex.lexical(item.question, pool, mask)]
        ranked.append((item, dense, bm25))
    published = {cid: number_day(int(d)) for cid, d in zip(lex.ids, lex.days)}  # dicts: the grid's hot loop
    article = dict(zip(lex.ids, lex.articles))
    hit: dict[tuple[str, str], bool] = {}
    # the period a question names and the day recency counts from, as Assistant.retrieve has them
    periods = {item.id: assistant.question_period(item.question, None, item.as_of) for item in items}
    days_asked = {item.id: assistant.freshness_day(None, item.as_of, periods[item.id]) for item in items}

    def score(n: int, wd: float, rw: float, tau: float, per: int, pw: float = 0.0, sides: str = "db") -> dict:
        ranks = []
        for item, dense, bm25 in ranked:
            fusion = HybridRetriever(store, embedder, per_article=per, recency_weight=rw, recency_days=tau,
                                     dense_weight=wd, period_weight=pw)
            p = periods[item.id]
            top = [cid for cid, _, _ in fusion.fuse(dense[:n] if "d" in sides else [], bm25[:n] if "b" in sides else [],
                                                   published.__getitem__, article.__getitem__, 20,
                                                   days_asked[item.id], (p.since, p.until) if p else None)]
            rank = None
            for r, c in enumerate(top, start=1):
                if (item.id, c) not in hit:
                    hit[(item.id, c)] = has_answer(docs[c], item.answers)
                if hit[(item.id, c)]:
                    rank = r
                    break
            ranks.append(rank)
        row = {f"R@{k}": sum(1 for r in ranks if r and r <= k) / len(ranks) for k in (1, 4, 10, 20)}
        row["MRR@10"] = sum(1 / r for r in ranks if r and r <= 10) / len(ranks)
        return row

    results = []
    for sides, name in (("b", "BM25 only"), ("d", "dense only")):
        results.append({"setting": name, **score(40, 1.0, 0.0, 30, 2, 0.0, sides)})
    for n, wd, rw, tau, per, pw in itertools.product(floats(args.candidates), floats(args.dense_weight),
                                                     floats(args.recency_weight), floats(args.recency_days),
                                                     floats(args.per_article), floats(args.period_weight)):
        if rw == 0 and tau != floats(args.recency_days)[0]:
            continue  # the fade does not matter without a prior
        results.append({"setting": f"candidates={int(n)} dense_weight={wd} recency_weight={rw} "
                                   f"recency_days={tau:g} per_article={int(per)} period_weight={pw:g}",
                        **score(int(n), wd, rw, tau, int(per), pw)})
    print(f"{'setting':95} R@1   R@4   R@10  R@20  MRR@10")
    for r in sorted(results, key=lambda r: -r["MRR@10"]):
        print(f"{r['setting']:95} " + " ".join(f"{r[k]:.3f}" for k in ("R@1", "R@4", "R@10", "R@20", "MRR@10")))
    return results


if __name__ == "__main__":
    main()
