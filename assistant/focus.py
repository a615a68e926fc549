"""Cutting a passage down to the sentences that bear on the question, so the LLM reads less."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.text import sentences, terms

GAP = " … "  # what a skipped stretch costs in the budget


def focus(text: str, query: str | Iterable[str], budget: int) -> str:
    """The passage itself when it fits `budget` characters, else its sentences sharing most words
    with the query, in their original order, gaps marked with '…'; a sentence right after a chosen
    one is preferred next, since the fact asked for often follows the sentence that names the topic."""
    if budget <= 0 or len(text) <= budget:
        return text
    wanted = terms(query if isinstance(query, str) else " ".join(query))
    sents = sentences(text)
    overlap = [len(terms(s) & wanted) for s in sents]
    order = sorted(range(len(sents)), key=lambda i: (-overlap[i], i))
    chosen: set[int] = set()
    used = 0

    def take(i: int) -> bool:
        nonlocal used
        if i in chosen or not 0 <= i < len(sents) or used + len(sents[i]) + len(GAP) > budget:
            return False
        chosen.add(i)
        used += len(sents[i]) + len(GAP)
        return True

    for i in order:
        if overlap[i] == 0 and chosen:
            break
        if take(i):
            take(i + 1)
    if not chosen:  # one very long sentence: keep its start
        return text[: budget - 1].rsplit(" ", 1)[0] + "…"
    for i in sorted(chosen):  # room left: widen around what was chosen
        take(i - 1)
    pieces: list[str] = []
    prev = -1
    for i in sorted(chosen):
        if i != prev + 1:
            pieces.append("…")
        pieces.append(sents[i])
        prev = i
    if prev != len(sents) - 1:
        pieces.append("…")
    return " ".join(pieces)
