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


def test_also_retrieved_lists_each_other_article_once():
    from index.types import Chunk, Passage

    def p(aid, pos, title, source):
        return Passage(Chunk(f"{aid}:{pos}", aid, pos, "text", title, source), 1.0, 1)

    c = Citation(1, "a:0", "a", "Cited", None, None, None, "text", "text")
    out = sources_html([c], [p("a", 0, "Cited", None), p("a", 1, "Cited", None), p("b", 0, "Other", "DW"), p("b", 1, "Other", "DW")])
    assert out.count("Other (DW)") == 1 and "Also retrieved: Other (DW)</div>" in out


def test_stats_line_is_escaped():
    from ui.render import stats_html

    line = stats_html({"articles": 2, "chunks": 5, "outlets": {"<b>x</b>": 1}, "earliest": "2017-01-01",
                       "latest": "2017-03-01", "llm": "<i>m</i>"})
    assert "2 articles (5 passages) from 1 outlets, 2017-01-01 to 2017-03-01" in line and "<i>" not in line
