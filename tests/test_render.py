from datetime import date

from assistant.citations import Citation
from ui.render import answer_html, sources_html

XSS = "<img src=x onerror=alert(1)>"


def test_article_markup_is_shown_as_text():
    c = Citation(1, "a:0", "a", XSS, "<b>Outlet</b>", "javascript:alert(1)", date(2017, 1, 1),
                 f"Before {XSS} after.", f"Before {XSS} after.")
    out = sources_html([c])
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "javascript:" not in out and "&lt;b&gt;Outlet&lt;/b&gt;" in out
    assert "<mark>" in out


def test_answer_markers_link_to_sources_and_text_is_escaped():
    out = answer_html(f"It is 24% [1]. {XSS}")
    assert '<a class="cite" href="#source-1">[1]</a>' in out and "<img" not in out
