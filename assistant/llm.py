"""Chat model backends behind one `stream(messages)` seam, chosen by one string (NEWSQA_LLM)."""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from assistant.config import Settings
from index.errors import ConfigError, NewsqaError

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": ...}


class LLMError(NewsqaError):
    """The language model could not be reached or failed mid-answer."""


class ChatBackend(Protocol):
    """Streams the reply to a list of chat messages, piece by piece."""

    name: str

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[str]: ...


def first_token_logprobs(backend: ChatBackend, messages: list[Message], options: list[str]) -> list[float] | None:
    """Log-probabilities that the reply starts with each option (single tokens such as "A", "B"); None
    when the backend cannot say, and the caller reads a generated reply instead."""
    score = getattr(backend, "first_token_logprobs", None)
    return score(messages, options) if score else None


def _log_softmax(values: list[float]) -> list[float]:
    top = max(values)
    total = top + math.log(sum(math.exp(v - top) for v in values))
    return [v - total for v in values]


class LlamaCppBackend:
    """A local GGUF model run by llama-cpp-python."""

    def __init__(self, path: Path, n_ctx: int = 4096, threads: int = 0, name: str | None = None):
        if not path.is_file():
            raise ConfigError(f"NEWSQA_LLM names {path}, which is not a file; give the path of a .gguf model")
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ConfigError("NEWSQA_LLM=local needs llama-cpp-python: pip install llama-cpp-python==0.3.36 "
                              "(or set NEWSQA_LLM=extractive)") from None
        self.name = name or f"local:{path.name}"
        self._lock = threading.Lock()  # one llama.cpp context serves one generation at a time
        self.model = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads or max(1, os.cpu_count() or 1),
                           verbose=False)

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[str]:
        """Tokens of the reply as llama.cpp produces them."""
        with self._lock:
            for part in self.model.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                                          temperature=temperature, stream=True):
                piece = part["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece

    def first_token_logprobs(self, messages: list[Message], options: list[str]) -> list[float] | None:
        """Read from the logits of the reply's first token (one forward pass over the unseen prompt suffix)."""
        from llama_cpp import LogitsProcessorList

        ids = [self.model.tokenize(o.encode(), add_bos=False, special=False) for o in options]
        if any(len(t) != 1 for t in ids):
            return None
        seen: list = []

        def capture(_input_ids, logits):
            seen.append(logits.copy())
            return logits

        with self._lock:
            self.model.create_chat_completion(messages=messages, max_tokens=1, temperature=0.0,
                                              logits_processor=LogitsProcessorList([capture]))
        # The first sampler sees every token in vocabulary order; anything else is not what we asked for.
        if not seen or len(seen[0]) != self.model.n_vocab():
            return None
        return _log_softmax([float(seen[0][t[0]]) for t in ids])


class OpenAICompatBackend:
    """Any server speaking OpenAI's /v1/chat/completions: OpenAI, vLLM, llama.cpp server, Ollama, LM Studio."""

    def __init__(self, model: str, base_url: str, api_key: str = "", timeout: float = 120.0, name: str | None = None):
        if not model:
            raise ConfigError("NEWSQA_LLM=openai:<model> needs a model name, e.g. openai:gpt-4o-mini")
        self.model, self.base_url, self.api_key, self.timeout = model, base_url.rstrip("/"), api_key, timeout
        self.name = name or f"openai:{model}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _unreachable(self, e: Exception) -> LLMError:
        return LLMError(f"cannot reach the LLM server at {self.base_url} ({type(e).__name__}); "
                        "check NEWSQA_LLM_BASE_URL")

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[str]:
        """Content deltas of a streamed chat completion (server-sent events)."""
        import httpx

        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens,
                "temperature": temperature, "stream": True}
        try:
            with httpx.stream("POST", f"{self.base_url}/chat/completions", json=body, headers=self._headers(),
                              timeout=self.timeout) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    raise LLMError(f"LLM server {self.base_url} answered {resp.status_code}: {resp.text[:200]}")
                for line in resp.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choices = json.loads(data).get("choices") or [{}]
                    piece = (choices[0].get("delta") or {}).get("content")
                    if piece:
                        yield piece
        except httpx.HTTPError as e:
            raise self._unreachable(e) from None

    def first_token_logprobs(self, messages: list[Message], options: list[str]) -> list[float] | None:
        """From the server's top_logprobs of a one-token reply; None when it gives none."""
        import httpx

        body = {"model": self.model, "messages": messages, "max_tokens": 1, "temperature": 0.0,
                "logprobs": True, "top_logprobs": 20}
        try:
            resp = httpx.post(f"{self.base_url}/chat/completions", json=body, headers=self._headers(),
                              timeout=self.timeout)
        except httpx.HTTPError as e:
            raise self._unreachable(e) from None
        if resp.status_code >= 400:
            return None  # a server that refuses logprobs still answers by generation
        content = ((resp.json().get("choices") or [{}])[0].get("logprobs") or {}).get("content") or []
        if not content:
            return None
        top: dict[str, float] = {}
        for t in content[0].get("top_logprobs") or []:
            key = t["token"].strip()
            top[key] = max(top.get(key, -math.inf), t["logprob"])
        if not any(o in top for o in options):
            return None
        floor = min(top.values()) - math.log(20)  # an option outside the top 20 is less likely than any in it
        return _log_softmax([top.get(o, floor) for o in options])


DEFAULT_LOCAL_NAME = "local:qwen2.5-coder-1.5b-instruct-q4_k_m"


def backend_label(settings: Settings) -> str:
    """The name answers will carry, known without loading the model."""
    kind, _, arg = settings.llm.partition(":")
    if kind == "local":
        return f"local:{Path(arg).name}" if arg else DEFAULT_LOCAL_NAME
    return settings.llm


def make_backend(settings: Settings) -> ChatBackend | None:
    """The backend NEWSQA_LLM names; None for 'extractive' (answers composed without a model)."""
    kind, _, arg = settings.llm.partition(":")
    match kind:
        case "extractive":
            return None
        case "local" if not arg:
            from assistant.models import default_gguf

            return LlamaCppBackend(default_gguf(settings.cache_dir), settings.llm_ctx, settings.threads,
                                   name=DEFAULT_LOCAL_NAME)
        case "local":
            return LlamaCppBackend(Path(arg).expanduser(), settings.llm_ctx, settings.threads)
        case "openai":
            base = settings.llm_base_url or "https://api.openai.com/v1"
            key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY", "")
            return OpenAICompatBackend(arg, base, key, settings.llm_timeout)
        case "ollama":
            base = settings.llm_base_url or "http://127.0.0.1:11434/v1"
            return OpenAICompatBackend(arg, base, settings.llm_api_key, settings.llm_timeout, name=f"ollama:{arg}")
        case _:
            raise ConfigError(f"NEWSQA_LLM={settings.llm!r} is unknown: use local, local:/path/model.gguf, "
                              "openai:<model>, ollama:<model> or extractive")


def to_messages(messages: list) -> list[Message]:
    """LangChain messages as the plain role/content dicts backends take."""
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    return [{"role": roles.get(m.type, "user"), "content": str(m.content)} for m in messages]


def as_langchain(backend: ChatBackend, max_tokens: int, temperature: float):
    """The backend as a LangChain chat model, so answering runs as a LangChain chain."""
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    class BackendChatModel(BaseChatModel):
        """A LangChain chat model over a newsqa ChatBackend."""

        @property
        def _llm_type(self) -> str:
            return backend.name

        def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                      **kwargs: Any) -> ChatResult:
            text = "".join(backend.stream(to_messages(messages), max_tokens, temperature))
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

        def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                    **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            for piece in backend.stream(to_messages(messages), max_tokens, temperature):
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                if run_manager:
                    run_manager.on_llm_new_token(piece, chunk=chunk)
                yield chunk

    return BackendChatModel()
