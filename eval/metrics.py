"""Metric functions of the field (DPR's has_answer, SQuAD's EM and F1, recall@k, MRR), all pure."""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence

_PUNCT = set(string.punctuation) | {"‘", "’", "“", "”", "–", "—", "…"}


def normalize(text: str) -> str:
    """Lower-case, drop punctuation and articles, collapse spaces (SQuAD/DPR normalization)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def _contains_tokens(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def has_answer(text: str, answers: Iterable[str]) -> bool:
    """Whether a normalized answer occurs in the text as whole words ('2' does not match '2024')."""
    tokens = normalize(text).split()
    return any(_contains_tokens(tokens, normalize(a).split()) for a in answers if normalize(a))


def first_hit(passages: Sequence[str], answers: Sequence[str]) -> int | None:
    """1-based rank of the first passage holding an answer, or None."""
    return next((i for i, p in enumerate(passages, start=1) if has_answer(p, answers)), None)


def recall_at(rank: int | None, k: int) -> float:
    """1.0 when the first relevant rank is within k."""
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int = 10) -> float:
    """1/rank when within k, else 0."""
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """1.0 when the normalized prediction equals a normalized gold answer."""
    p = normalize(prediction)
    return 1.0 if any(p == normalize(g) for g in golds if g) else 0.0


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """Best token-overlap F1 of the prediction against the gold answers."""
    best = 0.0
    p = normalize(prediction).split()
    for g in golds:
        gt = normalize(g).split()
        common = sum((Counter(p) & Counter(gt)).values())
        if common:
            precision, recall = common / len(p), common / len(gt)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def accuracy(prediction: str, golds: Sequence[str]) -> float:
    """1.0 when a normalized gold answer occurs in the prediction as whole words."""
    return 1.0 if has_answer(prediction, golds) else 0.0


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, None for no values."""
    values = list(values)
    return sum(values) / len(values) if values else None


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (nearest rank) of the values, None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]
