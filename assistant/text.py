"""Words and sentences of English news text, as the citation checks and passage focusing see them."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z0-9%$€£]+(?:[.'’][A-Za-z0-9]+)*")
_STOP = frozenset("a an the of to in on at for and or but is are was were be been by with as that this it its "
                  "from which who what when where how why their his her they he she has have had not no".split())
_TERM = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> set[str]:
    """Lower-cased content words."""
    return {w.lower() for w in _WORD.findall(text)} - _STOP


ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep|Gen|Col|Lt|St|Jr|Sr|Prof|No|vs|Jan|Feb|Mar|Apr|"
                    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd))\.$")


def sentences(text: str) -> list[str]:
    """Sentences of a text: split after end punctuation, not after 'U.S.' or 'Mr.'."""
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[\"'“‘(A-Z0-9\[])", text):
        if out and ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece.strip():
            out.append(piece.strip())
    return out


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def terms(text: str) -> set[str]:
    """Stemmed, lower-cased content words (stop words dropped)."""
    found = [w for w in _TERM.findall(text.lower()) if w not in _stopwords()]
    return set(_stemmer().stemWords(found))
