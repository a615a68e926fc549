"""The HTTP API (FastAPI): health, stats, retrieve, ask (JSON or server-sent events), ingest."""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from assistant.core import passage_dict
from index.errors import NewsqaError
from index.loaders import SUFFIXES
from index.store import Filters

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 20


class Turn(BaseModel):
    """One earlier exchange of the conversation."""

    question: str = Field(max_length=2000)
    answer: str = Field(default="", max_length=8000)


class Query(BaseModel):
    """What to search and where."""

    k: int | None = Field(default=None, ge=1, le=50, description="passages to return")
    since: date | None = Field(default=None, description="only articles published on or after")
    until: date | None = Field(default=None, description="only articles published on or before")
    sources: list[str] = Field(default_factory=list, max_length=50, description="only these outlets")
    as_of: date | None = Field(default=None, description="the date that counts as today; later articles are ignored")

    def filters(self) -> Filters:
        if self.since and self.until and self.since > self.until:
            raise NewsqaError(f"since {self.since} is after until {self.until}")
        return Filters(self.since, self.until, tuple(self.sources))


class RetrieveRequest(Query):
    query: str = Field(min_length=1, max_length=2000)
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid"


class AskRequest(Query):
    question: str = Field(min_length=1, max_length=2000)
    history: list[Turn] = Field(default_factory=list, max_length=20)
    stream: bool = Field(default=False, description="answer as server-sent events: passages, token..., answer")


class SourceOut(BaseModel):
    """Where a passage comes from."""

    chunk_id: str
    article_id: str
    title: str
    source: str | None
    url: str | None
    published: str | None


class PassageOut(SourceOut):
    rank: int
    score: float
    text: str
    scores: dict[str, float]


class CitationOut(SourceOut):
    n: int
    quote: str
    highlight: str


class AnswerOut(BaseModel):
    question: str
    answer: str
    abstained: bool
    backend: str
    citations: list[CitationOut]
    passages: list[PassageOut]
    filters: dict[str, Any]
    period: dict[str, str] | None = None  # the period the question named, ranked first
    timings: dict[str, float]
    choice: int | None = None


class RetrieveOut(BaseModel):
    passages: list[PassageOut]


class IngestOut(BaseModel):
    added: int
    updated: int
    unchanged: int
    duplicates: int
    chunks_written: int
    chunks_deleted: int
    rejected: list[str]
    seconds: float
    embed_seconds: float


def _one_line(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
        parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def create_app(assistant: Any) -> FastAPI:
    """The API over one Assistant; Gradio's page can be mounted on the same app."""
    app = FastAPI(title="newsqa", version="0.1.0",
                  description="Questions about news articles, answered with numbered, cited passages.")
    key = assistant.settings.api_key

    def check_key(request: Request) -> None:
        if not key:
            return
        given = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), key.encode()):
            raise HTTPException(401, "missing or wrong API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")

    @app.exception_handler(NewsqaError)
    async def _expected(_: Request, exc: NewsqaError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _one_line(exc)}, status_code=422)

    guarded = [Depends(check_key)]

    @app.get("/api/health")
    def health() -> dict:
        """Liveness, with what answers and how much is indexed."""
        return {"status": "ok", "llm": assistant.backend_name, "chunks": assistant.store.count()}

    @app.get("/api/stats", dependencies=guarded)
    def stats() -> dict:
        """Articles, chunks, outlets and date range of the store."""
        return assistant.stats()

    @app.post("/api/retrieve", response_model=RetrieveOut, dependencies=guarded)
    def retrieve(req: RetrieveRequest) -> dict:
        """The best passages for a query, with their scores."""
        passages = assistant.retrieve(req.query, k=req.k, filters=req.filters(), as_of=req.as_of, mode=req.mode)
        return {"passages": [passage_dict(p) for p in passages]}

    @app.post("/api/ask", response_model=AnswerOut, dependencies=guarded,
              responses={200: {"content": {"text/event-stream": {}}}})
    def ask(req: AskRequest, request: Request):
        """A cited answer; with stream=true (or Accept: text/event-stream) as server-sent events."""
        history = [(t.question, t.answer) for t in req.history]
        events = assistant.stream(req.question, k=req.k, filters=req.filters(), as_of=req.as_of, history=history)
        if req.stream or "text/event-stream" in request.headers.get("accept", ""):
            return StreamingResponse(_sse(events), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})
        return next(v for e, v in events if e == "answer").to_dict()

    @app.post("/api/ingest", response_model=IngestOut, dependencies=guarded)
    async def ingest(files: list[UploadFile] = File(default=[], description=f"{', '.join(SUFFIXES)}; 20 MB each, 20 at most"),
                     urls: list[str] = Form(default=[], description="article URLs"),
                     feeds: list[str] = Form(default=[], description="RSS/Atom feed URLs")) -> dict:
        """Add uploaded files, article URLs and feeds to the store."""
        if not files and not urls and not feeds:
            raise NewsqaError("nothing to ingest: send files, urls or feeds")
        if len(files) > MAX_UPLOAD_FILES:
            raise NewsqaError(f"{len(files)} files sent; at most {MAX_UPLOAD_FILES} per request")
        for u in urls + feeds:
            if not u.startswith(("http://", "https://")):
                raise NewsqaError(f"{u[:80]!r} is not an http(s) URL")
        with tempfile.TemporaryDirectory(prefix="newsqa-upload-") as tmp:
            paths = []
            for i, f in enumerate(files):
                name = safe_name(f.filename or f"upload-{i}")
                if not name.lower().endswith(SUFFIXES):
                    raise NewsqaError(f"{name}: unknown file type; use one of {', '.join(SUFFIXES)}")
                data = await f.read(MAX_UPLOAD_BYTES + 1)
                if len(data) > MAX_UPLOAD_BYTES:
                    raise NewsqaError(f"{name}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
                path = Path(tmp) / f"{i:02d}-{name}"
                path.write_bytes(data)
                paths.append(path)
            from starlette.concurrency import run_in_threadpool

            report = await run_in_threadpool(assistant.ingest, [*paths, *urls], None, None, feeds)
        result = report.as_dict()
        result["rejected"] = [r.replace(tmp + "/", "") for r in result["rejected"]]
        return result

    return app


def safe_name(name: str) -> str:
    """A file name without folders or odd characters."""
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or "upload"


def _sse(events):
    for event, value in events:
        if event == "passages":
            data = [passage_dict(p) for p in value]
        elif event == "token":
            data = {"text": value}
        else:
            data = value.to_dict()
        yield f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
