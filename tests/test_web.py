"""Articles from URLs, HTML files and RSS feeds, served by a local HTTP server."""

from http.server import BaseHTTPRequestHandler

import pytest

from tests.conftest import local_http

from index.loaders import load_paths, load_sources
from index.types import Article, Rejection

BODY = " ".join(f"Sentence {i} of the story about the harbour bridge reopening after repairs." for i in range(30))
PAGE = f"""<html><head><title>Harbour bridge reopens</title><meta property="og:site_name" content="Local Herald">
<meta name="date" content="2024-05-02"><script>alert("x")</script></head><body><nav>Home | News</nav>
<article><h1>Harbour bridge reopens</h1><p>{BODY}</p><p>{BODY}</p></article><footer>(c) Herald</footer></body></html>"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Herald feed</title>
<item><title>Full story in the feed</title><link>{base}/full</link><pubDate>Thu, 02 May 2024 10:00:00 GMT</pubDate>
<description>{long}</description></item>
<item><title>Teaser only</title><link>{base}/page</link><pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate>
<description>Short teaser.</description></item></channel></rss>"""


class _Site(BaseHTTPRequestHandler):
    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        routes = {"/page": ("text/html", PAGE), "/feed": ("application/rss+xml", RSS.format(base=base, long=BODY)),
                  "/empty": ("text/html", "<html><body></body></html>")}
        if self.path not in routes:
            self.send_response(404)
            self.end_headers()
            return
        kind, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    with local_http(_Site) as base:
        yield base


def test_article_url_is_fetched_and_extracted(site):
    (a,) = list(load_sources([f"{site}/page"]))
    assert isinstance(a, Article) and a.title == "Harbour bridge reopens" and a.url == f"{site}/page"
    assert "harbour bridge reopening" in a.text and "alert" not in a.text and "Home | News" not in a.text


def test_bad_urls_are_one_line_rejections(site):
    missing, empty, bad = list(load_sources([f"{site}/nope", f"{site}/empty", "http://127.0.0.1:9/x"]))
    assert "HTTP 404" in missing.reason and "no article text" in empty.reason and "cannot fetch" in bad.reason


def test_feed_entries_full_text_or_linked_page(site):
    full, teaser = list(load_sources([], feeds=[f"{site}/feed"]))
    assert full.title == "Full story in the feed" and full.source == "Herald feed" and full.published.isoformat() == "2024-05-02"
    assert teaser.title == "Teaser only" and "harbour bridge reopening" in teaser.text  # fetched from its link
    (bad,) = list(load_sources([], feeds=[f"{site}/page"]))
    assert isinstance(bad, Rejection) and "feed" in bad.reason


def test_saved_html_file(tmp_path):
    f = tmp_path / "story.html"
    f.write_text(PAGE)
    (a,) = list(load_paths([f]))
    assert a.title == "Harbour bridge reopens" and a.published.isoformat() == "2024-05-02"
