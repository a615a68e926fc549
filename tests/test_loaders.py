import gzip
import json

from index.loaders import load_paths, strip_headline_blocks
from index.types import Article, Rejection


def split(records):
    records = list(records)
    return [r for r in records if isinstance(r, Article)], [r for r in records if isinstance(r, Rejection)]


def test_txt_title_on_first_line_and_header_fields(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Big news today\nURL: https://www.bbc.co.uk/news/x\nPublished: 2017-03-05\n\nBody one.\n\nBody two.\n")
    (a,), bad = split(load_paths([f]))
    assert not bad
    assert (a.title, a.source, a.url, a.published.isoformat()) == ("Big news today", "BBC", "https://www.bbc.co.uk/news/x", "2017-03-05")
    assert a.text == "Body one.\n\nBody two."


def test_founding_article_headline_list_is_not_ingested_as_articles(tmp_path):
    raw = "Japan's negotiator held talks on Thursday before a 24% tariff expires next week. " * 4 + "\n" \
          "Second paragraph of the story.\n\n\nDollar Slides to Five-Week Low\nTrump Claims He Will Void Documents\n" \
          "Oil Prices Hold Steady\n"
    f = tmp_path / "founding.txt"
    f.write_text(raw)
    arts, notes = split(load_paths([f]))
    assert len(arts) == 1
    assert "Dollar Slides" not in arts[0].text and "24% tariff" in arts[0].text
    assert arts[0].title.startswith("Japan's negotiator held talks")
    assert "skipped 3 title-only lines" in notes[0].reason


def test_strip_headline_blocks_keeps_prose_paragraphs():
    body = "First paragraph ends here.\n\nSecond one also ends."
    assert strip_headline_blocks(body) == (body, 0)


def test_jsonl_bad_line_rejected_with_line_number_good_lines_kept(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"title": "A", "text": "alpha text", "url": "https://cnn.com/a"}) + "\n"
                 "{not json\n\n" + json.dumps({"title": "B", "text": ""}) + "\n"
                 + json.dumps(["list"]) + "\n" + json.dumps({"title": "C", "body": "gamma", "date": "2017/3/1"}) + "\n")
    arts, bad = split(load_paths([f]))
    assert [a.title for a in arts] == ["A", "C"]
    assert arts[0].source == "CNN" and arts[1].published.isoformat() == "2017-03-01"
    assert [r.where for r in bad] == [f"{f}:2", f"{f}:4", f"{f}:5"]
    assert "malformed JSON" in bad[0].reason and "'text' is empty" in bad[1].reason and "JSON object" in bad[2].reason


def test_jsonl_gz_and_bad_date_names_the_field(tmp_path):
    f = tmp_path / "a.jsonl.gz"
    f.write_bytes(gzip.compress((json.dumps({"title": "T", "text": "x y", "published": "someday"}) + "\n").encode()))
    arts, (bad,) = split(load_paths([f]))
    assert not arts and "field 'published'" in bad.reason and bad.where.endswith(":1")


def test_csv_news_articles_2017_columns_and_repair(tmp_path):
    f = tmp_path / "n.csv"
    f.write_text('article_id,publish_date,article_source_link,title,subtitle,text\n'
                 '1,2017/2/7,http://abcnews.go.com/Politics/x,DeVos Confirmed,,"The vote on DeVos""?nomination was close,""?Sen. Warren said."\n'
                 '2,2017/2/8,http://www.bbc.co.uk/news/y,Empty,,\n', encoding="utf-8")
    (a,), (bad,) = split(load_paths([f]))
    assert a.source == "ABC News" and a.published.isoformat() == "2017-02-07"
    assert a.text == "The vote on DeVos' nomination was close,\" Sen. Warren said."
    assert bad.where == f"{f}:3" and "'text' is empty" in bad.reason


def test_csv_generic_mapping(tmp_path):
    f = tmp_path / "g.csv"
    f.write_text("headline,story,when,link\nHello,Some body text,2020-01-02,https://example.org/a\n")
    arts, bad = split(load_paths([f], mapping={"text": "story", "published": "when"}))
    assert not bad and arts[0].title == "Hello" and arts[0].text == "Some body text"
    assert arts[0].source == "example.org" and arts[0].published.isoformat() == "2020-01-02"


def test_csv_without_text_column_is_rejected_with_hint(tmp_path):
    f = tmp_path / "g.csv"
    f.write_text("headline,story\nHello,Some body\n")
    _, (bad,) = split(load_paths([f]))
    assert "--map text=COLUMN" in bad.reason


def test_non_utf8_bytes_rejected_per_line(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_bytes(json.dumps({"title": "ok", "text": "fine"}).encode() + b"\n" + b'{"title": "caf\xe9", "text": "x"}\n')
    arts, (bad,) = split(load_paths([f]))
    assert len(arts) == 1 and bad.where == f"{f}:2" and "not UTF-8" in bad.reason
    t = tmp_path / "b.txt"
    t.write_bytes(b"Title\n\ncaf\xe9 au lait")
    _, (bad,) = split(load_paths([t]))
    assert "offset" in bad.reason and "UTF-8" in bad.reason


def test_empty_file_unknown_extension_missing_path(tmp_path):
    (tmp_path / "empty.jsonl").write_text("  \n")
    (tmp_path / "notes.docx").write_text("x")
    out = list(load_paths([tmp_path / "empty.jsonl", tmp_path / "notes.docx", tmp_path / "nope.txt"]))
    assert [r.reason.split(" ")[0] for r in out] == ["file", "unknown", "no"]
    assert all(isinstance(r, Rejection) for r in out)


def test_folder_reads_known_files_in_order(tmp_path):
    (tmp_path / "b.txt").write_text("B title\n\nbody b")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A title\n\nbody a")
    (tmp_path / "skip.md").write_text("# not an article")
    arts, bad = split(load_paths([tmp_path]))
    assert [a.title for a in arts] == ["B title", "A title"] and not bad


def test_json_array_file(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps([{"title": "One", "text": "first body"}, "oops", {"title": "Two", "content": "second"}]))
    arts, (bad,) = split(load_paths([f]))
    assert [a.title for a in arts] == ["One", "Two"] and bad.where == f"{f}[1]" and "JSON object" in bad.reason
