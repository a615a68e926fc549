from datetime import date

import pytest

from index.normalize import canonical_url, clean_text, make_article, outlet_from_url, parse_date


@pytest.mark.parametrize("raw,expected", [
    ("2017-03-05", date(2017, 3, 5)), ("2017/2/7", date(2017, 2, 7)), ("  2016/12/30 7:11", date(2016, 12, 30)),
    ("2024-01-05T10:00:00Z", date(2024, 1, 5)), ("Tue, 07 Feb 2017 10:00:00 GMT", date(2017, 2, 7)), ("", None),
])
def test_parse_date_formats(raw, expected):
    assert parse_date(raw) == expected


def test_parse_date_garbage_says_the_format():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("next tuesday")


def test_canonical_url_and_outlet():
    assert canonical_url("HTTPS://WWW.CNN.com:443/a/b/#frag") == "https://www.cnn.com/a/b"
    assert outlet_from_url("http://europe.chinadaily.com.cn/x") == "China Daily"
    assert outlet_from_url("https://news.example.org/x") == "news.example.org"
    with pytest.raises(ValueError):
        canonical_url("javascript:alert(1)")


def test_clean_text_drops_controls_and_bidi_keeps_paragraphs():
    assert clean_text("a\u202e b\x00\r\n\r\n\r\n  c  d") == "a b\n\nc d"


def test_ids_stable_by_url_else_by_text():
    a = make_article(title="T", text="body", url="https://x.org/a/")
    b = make_article(title="T2", text="other", url="https://x.org/a")
    assert a.id == b.id
    c, d = make_article(title="T", text="same body"), make_article(title="T", text="same  body")
    assert c.id != make_article(title="T", text="another").id
    assert c.text_hash == d.text_hash


def test_missing_title_becomes_first_sentence():
    a = make_article(title="", text="Markets fell sharply. Then they rose.")
    assert a.title == "Markets fell sharply."
