"""Mapping the model's [n] markers to retrieved passages, checking them, and spotting abstentions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.prompts import NOT_FOUND
from assistant.text import sentences, words
from index.types import Passage

MARKER = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")
ABSTAIN = re.compile(
    r"could ?n[o']t find|can ?n[o']t find|cannot find|not (?:found|mentioned|stated|provided|given) in|"
    r"(?:passages?|articles?|context) (?:do(?:es)? not|don't|doesn't) (?:contain|mention|say|provide|include)|"
    r"no (?:relevant )?information|i (?:do not|don't) know|unable to (?:find|answer|determine)|"
    r"there is no mention", re.I)
@dataclass(frozen=True)
class Citation:
    """A passage the answer cites: where it comes from and the text it quotes."""

    n: int
    chunk_id: str
    article_id: str
    title: str
    source: str | None
    url: str | None
    published: date | None
    quote: str
    highlight: str  # the sentence of the passage closest to what the answer says


def is_abstention(text: str) -> bool:
    """Whether the reply says the passages do not hold the answer."""
    return bool(ABSTAIN.search(text)) and not MARKER.search(text)


def check_markers(text: str, n_passages: int) -> tuple[str, list[int]]:
    """The text with markers to absent passages removed, and the passage numbers cited, in order."""
    cited: list[int] = []

    def keep(m: re.Match) -> str:
        nums = [int(x) for x in re.split(r"\s*[,;]\s*", m[1])]
        valid = [x for x in nums if 1 <= x <= n_passages]
        cited.extend(x for x in valid if x not in cited)
        return "".join(f"[{x}]" for x in valid)

    cleaned = MARKER.sub(keep, text)
    return re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip(), cited


def cite(sentence: str, n: int) -> str:
    """The sentence with [n] before its closing punctuation."""
    body = sentence.rstrip().rstrip(".!?")
    return f"{body} [{n}]{sentence.rstrip()[len(body):]}"


def attribute_uncited(text: str, passages: list[Passage], min_overlap: float = 0.5) -> str:
    """Add a marker to each uncited sentence whose content words mostly come from one passage.

    Short answers ("JD.com", "Thursday and Saturday") need all their words in the passage.
    """
    out = []
    for sent in sentences(text):
        sw = words(sent)
        if MARKER.search(sent) or not sw:
            out.append(sent)
            continue
        need = 1.0 if len(sw) < 3 else min_overlap
        best, score = 0, 0.0
        for n, p in enumerate(passages, start=1):
            overlap = len(sw & words(p.chunk.embed_text)) / len(sw)
            if overlap > score:
                best, score = n, overlap
        if best and score >= need:
            sent = cite(sent, best)
        out.append(sent)
    return " ".join(out)


def prune_unsupported(text: str, passages: list[Passage], ratio: float = 0.5) -> str:
    """Drop, sentence by sentence, markers whose passage shares few of the sentence's words.

    A marker stays when its passage holds at least `ratio` of the words that the best-supporting
    passage cited in that sentence holds (and at least one).
    """
    out = []
    for sent in sentences(text):
        nums = [int(m) for m in re.findall(r"\[(\d{1,2})\]", sent) if 1 <= int(m) <= len(passages)]
        claim = words(MARKER.sub(" ", sent))
        if not nums or not claim:
            out.append(sent)
            continue
        support = {n: len(claim & words(passages[n - 1].chunk.embed_text)) for n in nums}
        best = max(support.values())
        keep = {n for n, v in support.items() if v > 0 and v >= ratio * best}
        sent = MARKER.sub(lambda m: "".join(f"[{x}]" for x in re.findall(r"\d+", m[1]) if int(x) in keep), sent)
        out.append(re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", sent)).strip())
    return " ".join(out)


def best_sentence(passage_text: str, claim: str) -> str:
    """The sentence of a passage sharing the most content words with a claim."""
    cands = sentences(passage_text) or [passage_text]
    cw = words(claim)
    return max(cands, key=lambda s: (len(cw & words(s)), -len(s)))


def build_citations(text: str, passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Checked answer text and one Citation per cited passage (markers to no passage are dropped)."""
    text, _ = check_markers(text, len(passages))
    text, cited = check_markers(attribute_uncited(prune_unsupported(text, passages), passages), len(passages))
    claims = {n: " ".join(s for s in sentences(text) if f"[{n}]" in s) for n in cited}
    out = []
    for n in cited:
        c = passages[n - 1].chunk
        out.append(Citation(n=n, chunk_id=c.id, article_id=c.article_id, title=c.title, source=c.source,
                            url=c.url, published=c.published, quote=c.text,
                            highlight=best_sentence(c.text, claims[n] or text)))
    return text, out


def not_found_text() -> str:
    """The reply when the articles hold no answer."""
    return NOT_FOUND
