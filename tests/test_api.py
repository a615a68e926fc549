"""The HTTP API with TestClient: good requests, streaming, uploads, and bad input answered 4xx."""

import json

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from tests.conftest import ScriptedBackend, write_jsonl
from tests.test_ingest import ROWS


@pytest.fixture
def client(tmp_path, make_assistant):
    a = make_assistant(backend=ScriptedBackend("Answer: 24% [1]"))
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    return TestClient(create_app(a))


def test_health_and_stats(client):
    assert client.get("/api/health").json() == {"status": "ok", "llm": "scripted", "chunks": client.get("/api/stats").json()["chunks"]}
    assert client.get("/api/stats").json()["articles"] == 2


def test_retrieve_with_filters(client):
    r = client.post("/api/retrieve", json={"query": "tariff voters", "k": 3, "since": "2025-01-01"})
    assert r.status_code == 200 and {p["title"] for p in r.json()["passages"]} == {"Tariff talks"}


def test_ask_json(client):
    r = client.post("/api/ask", json={"question": "What tariff rate applies to Japan?"})
    body = r.json()
    assert r.status_code == 200 and body["answer"] == "24% [1]" and body["citations"][0]["title"] == "Tariff talks"


def test_ask_streams_server_sent_events(client):
    with client.stream("POST", "/api/ask", json={"question": "What tariff rate?", "stream": True}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    events = [block.split("\n")[0].removeprefix("event: ") for block in text.strip().split("\n\n")]
    assert events[0] == "passages" and events[-1] == "answer" and "token" in events
    final = json.loads(text.strip().split("\n\n")[-1].split("data: ", 1)[1])
    assert final["citations"][0]["n"] == 1


@pytest.mark.parametrize("payload,status,fragment", [
    ({}, 422, "question: Field required"),
    ({"question": ""}, 422, "question: String should have at least 1 character"),
    ({"question": "q", "k": 500}, 422, "k: Input should be less than or equal to 50"),
    ({"question": "q", "since": "March"}, 422, "since:"),
    ({"question": "q", "since": "2017-03-02", "until": "2017-03-01"}, 400, "since 2017-03-02 is after until 2017-03-01"),
])
def test_bad_requests_are_4xx_with_a_message(client, payload, status, fragment):
    r = client.post("/api/ask", json=payload)
    assert r.status_code == status and fragment in r.json()["detail"]


def test_malformed_json_body_is_422(client):
    r = client.post("/api/retrieve", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"]


def test_upload_ingests_and_reports(client):
    good = json.dumps({"title": "Uploaded story", "text": "A story that came in through the API."}) + "\n{broken\n"
    r = client.post("/api/ingest", files=[("files", ("../../etc/evil.jsonl", good.encode(), "application/json"))])
    body = r.json()
    assert r.status_code == 200 and body["added"] == 1 and len(body["rejected"]) == 1
    assert body["rejected"][0].startswith("00-evil.jsonl:2: malformed JSON")
    assert client.get("/api/stats").json()["articles"] == 3


def test_upload_limits(client):
    r = client.post("/api/ingest", files=[("files", ("notes.docx", b"x", "application/octet-stream"))])
    assert r.status_code == 400 and "unknown file type" in r.json()["detail"]
    assert client.post("/api/ingest", data={"urls": ["file:///etc/passwd"]}).status_code == 400
    assert client.post("/api/ingest").status_code == 400


def test_api_key_required_when_set(tmp_path, make_assistant):
    a = make_assistant(host="0.0.0.0", api_key="s3cret")
    c = TestClient(create_app(a))
    assert c.get("/api/stats").status_code == 401
    assert c.get("/api/stats", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert c.get("/api/stats", headers={"X-API-Key": "s3cret"}).status_code == 200
    assert c.get("/api/health").status_code == 200


def test_openapi_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/health", "/api/stats", "/api/retrieve", "/api/ask", "/api/ingest"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200
