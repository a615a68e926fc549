"""Writes an eval run's rows, summary, Markdown report and chart, and a short table for the terminal."""

from __future__ import annotations

import json
from pathlib import Path

NAMES = {"hybrid": "newsqa (hybrid)", "bm25": "BM25 only", "dense": "dense only"}


def _cell(x) -> str:
    return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def retrieval_table(summary: dict) -> list[str]:
    """Markdown rows: one retrieval system a row."""
    cols = ["R@1", "R@4", "R@10", "R@20", "MRR@10", "article_R@4", "article_R@20", "latency_p50_ms", "latency_p95_ms"]
    lines = ["| retriever | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for system, m in summary["retrieval"].items():
        lines.append(f"| {NAMES.get(system, system)} | " + " | ".join(_cell(m.get(c)) for c in cols) + " |")
    return lines


def markdown(summary: dict, meta: dict) -> str:
    """The readable report."""
    out = [f"# Eval: {meta['set']}", "", f"Command: `{meta['command']}`  ", f"Date: {meta['date']}  ",
           f"Backend: {meta['backend']}; k={meta['k']}; embeddings: {meta['embeddings']}; store: {meta['store']}",
           "", f"{summary['questions']} questions, {summary['answerable']} answerable.", "",
           "## Retrieval (answer recall@k by has_answer on word boundaries; article recall by supporting ids)", ""]
    out += retrieval_table(summary)
    if "answers" in summary:
        a, c, ab, lat = summary["answers"], summary["citations"], summary["abstention"], summary["latency_s"]
        out += ["", "## Answers", "", "| metric | value |", "|---|---|",
                f"| accuracy (gold or alias in answer), answerable | {_cell(a['accuracy'])} |",
                f"| exact match | {_cell(a['exact_match'])} |", f"| token F1 | {_cell(a['f1'])} |",
                f"| multiple-choice accuracy, answerable ({a['mc_questions']} with choices in all) | {_cell(a['mc_accuracy'])} |",
                f"| multiple-choice accuracy, all with choices | {_cell(a['mc_accuracy_all'])} |",
                f"| citation precision (cited passage holds the answer or is a supporting article) | {_cell(c['precision'])} |",
                f"| citation recall (answerable questions with a supporting citation) | {_cell(c['recall'])} |",
                f"| citations per answer | {_cell(c['per_answer'])} |",
                f"| unanswerable declined ({ab['unanswerable']}) | {_cell(ab['unanswerable_declined'])} |",
                f"| answerable wrongly declined | {_cell(ab['answerable_wrongly_declined'])} |",
                f"| answer latency p50 / p95 (s) | {_cell(lat['answer_p50'])} / {_cell(lat['answer_p95'])} |",
                f"| first token p50 / p95 (s) | {_cell(lat['first_token_p50'])} / {_cell(lat['first_token_p95'])} |"]
        if summary.get("accuracy_by_kind"):
            out += ["", "Accuracy by kind of question: " + ", ".join(
                f"{k} {_cell(v)}" for k, v in summary["accuracy_by_kind"].items())]
    out += ["", "![headline metrics](chart.png)", ""]
    return "\n".join(out)


def chart(summary: dict, path: Path) -> None:
    """A bar chart of the headline metrics."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values = [], []
    for system, m in summary["retrieval"].items():
        for key in ("R@4", "MRR@10"):
            labels.append(f"{NAMES.get(system, system)}\n{key}")
            values.append(m[key] or 0.0)
    if "answers" in summary:
        for label, v in (("accuracy", summary["answers"]["accuracy"]), ("MC accuracy", summary["answers"]["mc_accuracy"]),
                         ("citation\nprecision", summary["citations"]["precision"]),
                         ("unanswerable\ndeclined", summary["abstention"]["unanswerable_declined"])):
            labels.append(label)
            values.append(v or 0.0)
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(labels)), 3.6), dpi=110)
    bars = ax.bar(range(len(values)), values, color="#4a7ab0")
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=8)
    ax.set_xticks(range(len(labels)), labels, fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_title("newsqa eval: headline metrics", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write(out_dir: Path, rows: list[dict], summary: dict, meta: dict) -> None:
    """rows.jsonl, summary.json, report.md and chart.png in the output folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "rows.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out_dir / "summary.json").write_text(json.dumps({**summary, "meta": meta}, indent=2, ensure_ascii=False))
    chart(summary, out_dir / "chart.png")
    (out_dir / "report.md").write_text(markdown(summary, meta), encoding="utf-8")


def terminal_table(summary: dict) -> str:
    """A short plain table for the terminal."""
    lines = [f"{'retriever':18} {'R@1':>6} {'R@4':>6} {'R@10':>6} {'R@20':>6} {'MRR@10':>7}"]
    for system, m in summary["retrieval"].items():
        lines.append(f"{NAMES.get(system, system):18} " + " ".join(
            f"{_cell(m[k]):>6}" for k in ("R@1", "R@4", "R@10", "R@20")) + f" {_cell(m['MRR@10']):>7}")
    if "answers" in summary:
        a, c, ab = summary["answers"], summary["citations"], summary["abstention"]
        lines.append(f"answers: accuracy {_cell(a['accuracy'])}, EM {_cell(a['exact_match'])}, F1 {_cell(a['f1'])}, "
                     f"MC {_cell(a['mc_accuracy'])}; citations P {_cell(c['precision'])} R {_cell(c['recall'])}; "
                     f"declined unanswerable {_cell(ab['unanswerable_declined'])}, "
                     f"wrongly declined {_cell(ab['answerable_wrongly_declined'])}")
    return "\n".join(lines)
