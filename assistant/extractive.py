"""Answers without a model: the passage sentences that best match the question, each cited."""

from __future__ import annotations

from assistant.citations import cite
from assistant.text import sentences, words
from index.types import Passage


def extract_answer(question: str, passages: list[Passage], max_sentences: int = 2) -> str:
    """Up to `max_sentences` sentences sharing the most question words, each cited; '' when none do.

    A second sentence must share at least half as many question words as the best one.
    """
    q = words(question)
    scored = []
    for n, p in enumerate(passages, start=1):
        for i, s in enumerate(sentences(p.chunk.text)):
            overlap = len(q & words(s))
            if overlap:
                scored.append((-overlap, n, i, s))
    scored.sort()
    picked = [t for t in scored[:max_sentences] if scored and -t[0] * 2 >= -scored[0][0]]
    return " ".join(cite(s, n) for _, n, _, s in sorted(picked, key=lambda t: (t[1], t[2])))


def best_supported_choice(choices: list[str], passages: list[Passage]) -> tuple[int | None, str]:
    """The choice whose words the top passages contain most (weighted by rank), and a cited reply."""
    best, best_score, best_n = None, 0.0, 0
    for i, choice in enumerate(choices):
        cw = words(choice)
        if not cw:
            continue
        for n, p in enumerate(passages, start=1):
            score = len(cw & words(p.chunk.embed_text)) / len(cw) / n
            if score > best_score and len(cw & words(p.chunk.embed_text)) == len(cw):
                best, best_score, best_n = i, score, n
    if best is None:
        return None, ""
    return best, f"{'ABCDEFGH'[best]}. {choices[best]} [{best_n}]"
