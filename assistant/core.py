"""`Assistant`: the one composition root that UI, API, CLI and eval call."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from assistant.citations import Citation, build_citations, is_abstention, not_found_text
from assistant.config import Settings
from assistant.extractive import best_supported_choice, extract_answer
from assistant.prompts import (LETTERS, chat_prompt, choice_inputs, choice_prompt, clean_reply, list_choices,
                               parse_choice, prompt_inputs)
from assistant.retrieval import HybridRetriever, langchain_retriever
from assistant.timeparse import Period, find_period
from index.embeddings import SentenceTransformerEmbedder, resolve_model
from index.ingest import IngestReport, Ingestor, Progress
from index.store import Filters, Store
from index.types import Passage

FOLLOW_UP = re.compile(r"^(and|but|what about|how about|so|also)\b|\b(it|its|they|them|their|he|she|his|her|"
                       r"that|this|those|these|there|then)\b", re.I)


def passage_dict(p: Passage) -> dict:
    """A retrieved passage, JSON-ready."""
    c = p.chunk
    return {"rank": p.rank, "score": round(p.score, 6), "chunk_id": c.id, "article_id": c.article_id,
            "title": c.title, "source": c.source, "url": c.url,
            "published": c.published.isoformat() if c.published else None, "text": c.text,
            "scores": {k: round(v, 4) for k, v in p.scores.items()}}


@dataclass(frozen=True)
class Answer:
    """An answer with the passages it was given and the ones it cites."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    abstained: bool
    backend: str
    filters: Filters = field(default_factory=Filters)
    timings: dict[str, float] = field(default_factory=dict)
    choice: int | None = None  # for multiple-choice questions: the index of the choice picked
    period: Period | None = None  # the period the question named, whose passages were ranked first

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"question": self.question, "answer": self.text, "abstained": self.abstained,
                "backend": self.backend,
                "citations": [{**dataclasses.asdict(c), "published": c.published.isoformat() if c.published else None}
                              for c in self.citations],
                "passages": [passage_dict(p) for p in self.passages],
                "filters": {"since": self.filters.since.isoformat() if self.filters.since else None,
                            "until": self.filters.until.isoformat() if self.filters.until else None,
                            "sources": list(self.filters.sources)},
                "period": {"since": self.period.since.isoformat(), "until": self.period.until.isoformat(),
                           "phrase": self.period.phrase} if self.period else None,
                "timings": {k: round(v, 3) for k, v in self.timings.items()}, "choice": self.choice}


class Assistant:
    """Retrieval and cited answers over one store; heavy parts (models, store) load on first use."""

    def __init__(self, settings: Settings, store: Store | None = None, embedder=None, backend=None):
        self.settings = settings
        self._store, self._embedder, self._backend = store, embedder, backend
        self._backend_loaded = backend is not None
        self._lock = threading.RLock()  # lazy loads happen once, even with a warm-up thread running

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Assistant:
        """An assistant built from settings (NEWSQA_* variables when none are given)."""
        return cls(settings or Settings.from_env())

    # --- parts, loaded lazily ------------------------------------------------------------------
    @property
    def store(self) -> Store:
        """The chunk store (opening it checks the embedding model that built it)."""
        with self._lock:
            return self._load_store()

    def _load_store(self) -> Store:
        if self._store is None:
            s = self.settings
            embedding_name = self._embedder.name if self._embedder else resolve_model(s.embeddings)[1]
            self._store = Store(s.chroma, s.collection, embedding_name, lexical_dir=s.lexical_dir,
                                dense=s.dense_search)
        return self._store

    @property
    def embedder(self):
        """The embedding model."""
        with self._lock:
            if self._embedder is None:
                s = self.settings
                self._embedder = SentenceTransformerEmbedder(s.embeddings, s.embed_device, s.embed_batch,
                                                             s.threads or None, s.embed_dtype)
            return self._embedder

    @property
    def backend(self):
        """The chat backend (None for extractive answers)."""
        with self._lock:
            if not self._backend_loaded:
                from assistant.llm import make_backend

                self._backend = make_backend(self.settings)
                self._backend_loaded = True
            return self._backend

    @property
    def backend_name(self) -> str:
        """What answers: the model's name, or 'extractive'."""
        if self._backend_loaded:
            return self._backend.name if self._backend else "extractive"
        from assistant.llm import backend_label

        return backend_label(self.settings)

    def warm_up(self) -> None:
        """Load the embedding model, the BM25 index and the LLM now rather than on the first question."""
        self.embedder.embed_query("warm up")
        self.store.snapshot()
        _ = self.backend

    def retriever(self, mode: str = "hybrid") -> HybridRetriever:
        """The retriever over this store ('hybrid', or one side alone: 'dense', 'bm25')."""
        s = self.settings
        return HybridRetriever(self.store, lambda: self.embedder, s.candidates, s.per_article, mode,
                               s.recency_weight if mode == "hybrid" else 0.0, s.recency_days, s.dense_weight,
                               s.period_weight if mode == "hybrid" else 0.0)

    def as_langchain_retriever(self, k: int | None = None, filters: Filters | None = None):
        """A LangChain BaseRetriever over this assistant."""
        return langchain_retriever(self, k, filters)

    # --- the API ------------------------------------------------------------------------------
    def ingest(self, sources: Sequence[str | Path], progress: Progress | None = None,
               mapping: dict[str, str] | None = None, feeds: Sequence[str] = ()) -> IngestReport:
        """Ingest files, folders, article URLs and RSS/Atom feeds into the store."""
        from index.loaders import load_sources

        s = self.settings
        ingestor = Ingestor(self.store, lambda: self.embedder, s.chunk_size, s.chunk_overlap, progress)
        return ingestor.ingest(load_sources(sources, feeds, mapping))

    def stats(self) -> dict:
        """Corpus statistics and what answers."""
        return {**self.store.stats(), "llm": self.backend_name}

    def effective_filters(self, filters: Filters | None, as_of: date | None) -> Filters:
        """The reader's filters, capped at the as-of date (nothing published after "as of" is seen)."""
        filters = filters or Filters()
        cutoff = as_of or self.settings.as_of
        if cutoff and (filters.until is None or filters.until > cutoff):
            filters = dataclasses.replace(filters, until=cutoff)
        return filters

    def question_period(self, question: str, given: Filters | None, as_of: date | None) -> Period | None:
        """The period the question names ("this week", "in March 2017"), unless the reader chose dates.

        It ranks passages from that period first rather than hiding the rest: a year in a question is
        often context ("the first time since 2020"), and a week's news is often reported before it."""
        return None if given and given.dated else find_period(question, self.today(as_of))

    def freshness_day(self, given: Filters | None, as_of: date | None, period: Period | None = None) -> date | None:
        """The day recency is measured from: as of, or the end of the period the question names when that
        ended earlier ("in January 2024" asked in March); None when the reader chose dates."""
        if given and given.dated:
            return None
        today = self.today(as_of)
        return period.until if period and period.until < today else today

    def today(self, as_of: date | None) -> date:
        """The day that counts as today: as of, else the setting, else the real today."""
        return as_of or self.settings.as_of or date.today()

    def retrieve(self, query: str, k: int | None = None, filters: Filters | None = None,
                 as_of: date | None = None, mode: str = "hybrid") -> list[Passage]:
        """The best passages for a query, best first."""
        return self._search(query, query, k, filters, as_of, mode)[0]

    def _search(self, query: str, question: str, k: int | None, filters: Filters | None, as_of: date | None,
                mode: str = "hybrid") -> tuple[list[Passage], Filters, Period | None]:
        """Passages for `query`, with the filters, as-of cap and named period that `question` implies."""
        f = self.effective_filters(filters, as_of)
        period = self.question_period(question, filters, as_of) if mode == "hybrid" else None
        passages = self.retriever(mode).retrieve(query, k or self.settings.k, f,
                                                 self.freshness_day(filters, as_of, period),
                                                 (period.since, period.until) if period else None)
        return passages, f, period

    def _passages(self, query: str, question: str, k: int | None, filters: Filters | None,
                  as_of: date | None) -> tuple[list[Passage], Filters, Period | None, date, dict[str, float]]:
        """Passages for an answer, the filters applied, the period preferred, the date that counts as
        today, and the timing."""
        t0 = time.perf_counter()
        passages, f, period = self._search(query, question, k, filters, as_of)
        return passages, f, period, self.today(as_of), {"retrieve_s": time.perf_counter() - t0}

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None,
            as_of: date | None = None, history: Sequence[tuple[str, str]] = ()) -> Answer:
        """A cited answer (or an honest abstention)."""
        answer = None
        for event, value in self.stream(question, k, filters, as_of, history):
            if event == "answer":
                answer = value
        assert answer is not None
        return answer

    def stream(self, question: str, k: int | None = None, filters: Filters | None = None,
               as_of: date | None = None, history: Sequence[tuple[str, str]] = ()) -> Iterator[tuple[str, object]]:
        """Events ('passages', list), ('token', str)..., then ('answer', Answer)."""
        t0 = time.perf_counter()
        passages, f, period, today, timings = self._passages(self.search_query(question, history), question, k,
                                                             filters, as_of)
        yield "passages", passages
        if not passages or max(p.scores.get("dense", 0.0) for p in passages) < self.settings.min_similarity:
            yield "answer", Answer(question, not_found_text(), (), tuple(passages), True, self.backend_name, f,
                                   {**timings, "total_s": time.perf_counter() - t0}, period=period)
            return
        pieces: list[str] = []
        if self.backend is None:
            pieces.append(extract_answer(question, passages))
            yield "token", pieces[-1]
        else:
            from langchain_core.output_parsers import StrOutputParser

            chain = chat_prompt() | self.llm_chain_model()
            budget = self.settings.llm_passage_chars
            for piece in (chain | StrOutputParser()).stream(prompt_inputs(question, passages, today, budget)):
                if not pieces:
                    timings["first_token_s"] = time.perf_counter() - t0
                pieces.append(piece)
                yield "token", piece
        raw = clean_reply("".join(pieces))
        text, citations = build_citations(raw, passages)
        # An answer that no retrieved passage supports is a guess: decline rather than show it.
        abstained = not raw or is_abstention(raw) or not citations
        if abstained:
            text, citations = not_found_text(), []
        timings["total_s"] = time.perf_counter() - t0
        yield "answer", Answer(question, text, tuple(citations), tuple(passages), abstained,
                               self.backend_name, f, timings, period=period)

    def choose(self, question: str, choices: Sequence[str], k: int | None = None, filters: Filters | None = None,
               as_of: date | None = None) -> Answer:
        """Pick one of the given choices from the passages retrieved for the question (Answer.choice;
        None when unsupported). The choices stay out of the search: they fetch passages about the wrong
        ones too."""
        t0 = time.perf_counter()
        passages, f, period, today, timings = self._passages(question, question, k, filters, as_of)
        if not passages:
            return Answer(question, not_found_text(), (), (), True, self.backend_name, f, timings, period=period)
        choices = list(choices)
        if self.backend is None:
            pick, reply = best_supported_choice(choices, passages)
        else:
            pick = self._score_choices(question, choices, passages, today)
            if pick is not None:
                reply = choices[pick]  # cited below by the passage that holds its words
            else:
                from langchain_core.output_parsers import StrOutputParser

                chain = choice_prompt() | self.llm_chain_model() | StrOutputParser()
                reply = chain.invoke(choice_inputs(question, choices, passages, today,
                                                   self.settings.llm_passage_chars)).strip()
                pick = parse_choice(reply, choices)
                if pick is not None:  # check the markers against the choice's words, not its letter
                    reply = re.sub(r"^\s*(?:answer\s*:\s*)?\(?[A-H]\b[.):]?", lambda _: choices[pick], reply,
                                   flags=re.I)
        text, citations = build_citations(reply, passages)
        timings["total_s"] = time.perf_counter() - t0
        return Answer(question, text, tuple(citations), tuple(passages), pick is None, self.backend_name, f,
                      timings, choice=pick, period=period)

    def _score_choices(self, question: str, choices: list[str], passages: list[Passage], today: date) -> int | None:
        """The choice whose letter the model rates likeliest, summed over every rotation of the list, so
        no letter is favoured for its place (a small model leans to "B"); None when the backend gives no
        probabilities."""
        from assistant.llm import first_token_logprobs, to_messages

        n = len(choices)
        total = [0.0] * n
        # The passages are focused on the question and all the choices, so only the list moves.
        inputs = choice_inputs(question, choices, passages, today, self.settings.llm_passage_chars)
        prompt = choice_prompt()
        for shift in range(n):
            order = [(j + shift) % n for j in range(n)]
            inputs["choices"] = list_choices([choices[o] for o in order])
            logprobs = first_token_logprobs(self.backend, to_messages(prompt.format_messages(**inputs)),
                                            list(LETTERS[:n]))
            if logprobs is None:
                return None
            for j, o in enumerate(order):
                total[o] += logprobs[j]
        return max(range(n), key=total.__getitem__)

    def llm_chain_model(self):
        """The chat backend as a LangChain chat model."""
        from assistant.llm import as_langchain

        return as_langchain(self.backend, self.settings.llm_max_tokens, self.settings.llm_temperature)

    @staticmethod
    def search_query(question: str, history: Sequence[tuple[str, str]]) -> str:
        """The question, with the previous question prepended when it reads as a follow-up."""
        if history and FOLLOW_UP.search(question) and len(question.split()) <= 12:
            return f"{history[-1][0]} {question}"
        return question
