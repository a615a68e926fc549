"""The chat page in a real browser: Debian's Chromium driven by Playwright, real model and store."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import TARIFF_Q

pytestmark = [pytest.mark.e2e, pytest.mark.llm]
CHROMIUM = "/usr/bin/chromium"
XSS_TITLE = "<img src=x onerror=alert(1)>"


def _chromium_or_skip():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get (as root)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(sample_store_dir, real_embedder, tmp_path_factory):
    """`newsqa serve`'s app over a copy of the sample store, on a free local port."""
    import uvicorn

    from assistant.config import Settings
    from assistant.core import Assistant
    from ui.app import create_server

    _chromium_or_skip()
    folder = tmp_path_factory.mktemp("browser") / "chroma"
    shutil.copytree(sample_store_dir, folder)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings.from_env({}, chroma=str(folder), llm="local", port=port)
    a = Assistant(settings, embedder=real_embedder)
    xss = tmp_path_factory.mktemp("xss") / "xss.jsonl"
    xss.write_text(json.dumps({"title": XSS_TITLE, "text": "The zebra crossing vote in Flimsbury passed on "
                               "Tuesday <script>alert(2)</script> by a wide margin.", "url": "https://ex.org/x"}) + "\n")
    assert a.ingest([xss]).added == 1
    a.warm_up()
    srv = uvicorn.Server(uvicorn.Config(create_server(a), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not srv.started and time.time() < deadline:
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=20)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.goto(server)
        pg.wait_for_selector("#question textarea", timeout=60_000)
        pg.dialogs = dialogs
        yield pg
        browser.close()


def ask(page, question: str) -> str:
    before = page.locator("#chat .message").count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#chat .message').length >= n + 2", arg=before, timeout=30_000)
    page.wait_for_selector("#sources details, #sources .others", timeout=240_000)
    return page.locator("#chat .message").last.inner_text()


def test_tariff_answer_streams_with_a_citation_that_opens_its_passage(page, tmp_path):
    page.wait_for_selector("#corpus .corpus", timeout=30_000)
    assert "308 articles" in page.inner_text("#corpus")
    reply = ask(page, TARIFF_Q)
    assert "24%" in reply and "[1]" in reply
    page.locator("#chat a.cite").first.click()
    card = page.locator("#sources details").first
    assert "Akazawa" in card.inner_text() and "24%" in card.locator("mark").inner_text()
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)  # set it to refresh docs/screenshot.png
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "screenshot.png"), full_page=True)


def test_article_markup_renders_as_text(page):
    ask(page, "What happened with the zebra crossing vote in Flimsbury?")
    html = page.inner_html("#sources")
    text = page.inner_text("#sources")
    assert XSS_TITLE in text and "<img src=x" not in html and not page.dialogs


def test_upload_a_file_and_see_it_counted(page, tmp_path):
    f = tmp_path / "upload.jsonl"
    f.write_text(json.dumps({"title": "Uploaded from the page", "text": "An article added through the browser."}) + "\n")
    page.click("#add button.label-wrap, #add > button")
    page.set_input_files("#files input[type=file]", str(f))
    page.click("#add-button")
    page.wait_for_function("() => document.querySelector('#ingest-report')?.innerText.includes('added 1')", timeout=120_000)
    page.wait_for_function("() => document.querySelector('#corpus')?.innerText.includes('309 articles')", timeout=30_000)
