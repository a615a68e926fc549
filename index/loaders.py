"""Readers that turn files (txt, jsonl, json, csv, optionally gzipped; folders of them) into Articles.

Every bad record becomes a Rejection naming file, line and field; good records beside it still load.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from index.normalize import make_article, repair_quote_mojibake
from index.types import Article, Rejection

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".json", ".csv", ".csv.gz", ".html", ".htm")
# Field name -> accepted column/key names, first match wins (case-insensitive).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "text": ("text", "body", "content", "article", "maintext"),
    "url": ("url", "link", "article_source_link", "source_url"),
    "source": ("source", "outlet", "publisher", "site", "source_name"),
    "published": ("published", "publish_date", "date", "pubdate", "published_at", "datetime"),
    "authors": ("authors", "author", "byline"),
    "id": ("id", "article_id", "guid"),
}
NEWS_ARTICLES_2017 = ("article_id", "publish_date", "article_source_link", "title", "subtitle", "text")
_HEADER = re.compile(r"^(url|link|source|outlet|published|date|authors?)\s*:\s*(.+)$", re.I)

Record = Article | Rejection


def suffix_of(path: Path) -> str:
    """The loader suffix of a path ('.jsonl.gz', '.txt', ...), or its plain suffix when unknown."""
    name = path.name.lower()
    for s in SUFFIXES:
        if name.endswith(s):
            return s
    return path.suffix.lower()


def load_paths(paths: Iterable[str | Path], mapping: Mapping[str, str] | None = None) -> Iterator[Record]:
    """Articles and rejections from files and folders, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Rejection(str(path), "no such file or folder; check the path")
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and suffix_of(p) in SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not files:
                yield Rejection(str(path), f"folder holds no {', '.join(SUFFIXES)} files")
            for f in files:
                yield from load_file(f, mapping)
        else:
            yield from load_file(path, mapping)


def load_file(path: Path, mapping: Mapping[str, str] | None = None) -> Iterator[Record]:
    """Records of one file, chosen by its extension."""
    suffix = suffix_of(path)
    readers = {".txt": _read_txt, ".jsonl": _read_jsonl, ".jsonl.gz": _read_jsonl, ".json": _read_json,
               ".csv": _read_csv, ".csv.gz": _read_csv, ".html": _read_html, ".htm": _read_html}
    if suffix not in readers:
        yield Rejection(str(path), f"unknown file type {suffix or '(none)'!r}: use one of {', '.join(SUFFIXES)}")
        return
    try:
        data = gzip.decompress(path.read_bytes()) if suffix.endswith(".gz") else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        yield Rejection(str(path), f"cannot read file ({e})")
        return
    if not data.strip():
        yield Rejection(str(path), "file is empty")
        return
    yield from readers[suffix](path, data, mapping or {})


def _read_html(path: Path, data: bytes, mapping: Mapping[str, str]) -> Iterator[Record]:
    from index.web import load_html_file

    yield from load_html_file(path, data)


def load_sources(sources: Iterable[str | Path], feeds: Iterable[str] = (),
                 mapping: Mapping[str, str] | None = None) -> Iterator[Record]:
    """Records from files, folders and http(s) URLs (one article each), then from feeds."""
    from index.web import load_feed, load_url

    for src in sources:
        if str(src).startswith(("http://", "https://")):
            yield load_url(str(src))
        else:
            yield from load_paths([src], mapping)
    for feed in feeds:
        yield from load_feed(feed)


def _decode(where: str, data: bytes) -> str | Rejection:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return Rejection(where, f"bytes at offset {e.start} are not UTF-8; re-save the file as UTF-8")


def _read_txt(path: Path, data: bytes, mapping: Mapping[str, str]) -> Iterator[Record]:
    text = _decode(str(path), data)
    if isinstance(text, Rejection):
        yield text
        return
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    fields: dict[str, str] = {}
    first = lines[0].strip()
    if len(first) > 200 or len(lines) == 1:
        title, body_lines = "", lines  # no title line: the first sentence becomes the title
    else:
        title, body_lines = first, lines[1:]
        while body_lines and (m := _HEADER.match(body_lines[0].strip())):
            key = m[1].lower()
            key = {"link": "url", "outlet": "source", "date": "published", "author": "authors"}.get(key, key)
            fields[key] = m[2].strip()
            body_lines = body_lines[1:]
    body, dropped = strip_headline_blocks("\n".join(body_lines))
    where = f"{path}:1"
    try:
        yield make_article(title=title, text=body, url=fields.get("url"), source=fields.get("source"),
                           published=fields.get("published"), origin=where,
                           authors=tuple(a.strip() for a in fields.get("authors", "").split(",")))
    except ValueError as e:
        yield Rejection(where, str(e))
    if dropped:
        yield Rejection(str(path), f"skipped {dropped} title-only lines after the body (a headline list has no text to index)")


def strip_headline_blocks(body: str) -> tuple[str, int]:
    """Drop trailing blocks of short, unpunctuated lines (headline lists); return body and lines dropped."""
    blocks = re.split(r"\n\s*\n", body.strip())
    dropped = 0
    while len(blocks) > 1:
        lines = [ln.strip() for ln in blocks[-1].split("\n") if ln.strip()]
        if len(lines) >= 2 and all(len(ln) <= 160 and not ln.endswith((".", "”", '"')) for ln in lines):
            dropped += len(lines)
            blocks.pop()
        else:
            break
    return "\n\n".join(blocks), dropped


def _fields(obj: Mapping[str, object], mapping: Mapping[str, str]) -> dict[str, object]:
    lower = {str(k).lower().strip(): v for k, v in obj.items()}
    out: dict[str, object] = {}
    for name, aliases in FIELD_ALIASES.items():
        keys = (mapping[name].lower(),) if name in mapping else aliases
        out[name] = next((lower[k] for k in keys if k in lower and lower[k] not in (None, "")), None)
    return out


def _article(fields: dict[str, object], where: str) -> Record:
    authors = fields.get("authors")
    if isinstance(authors, str):
        authors = [a for a in re.split(r",|\band\b", authors)]
    for name in ("title", "text", "url", "source"):
        if fields.get(name) is not None and not isinstance(fields[name], str):
            return Rejection(where, f"field '{name}' must be text, not {type(fields[name]).__name__}")
        if isinstance(fields.get(name), str) and any("\udc80" <= ch <= "\udcff" for ch in fields[name]):
            return Rejection(where, f"field '{name}' holds bytes that are not UTF-8; re-save the file as UTF-8")
    try:
        return make_article(title=fields.get("title") or "", text=fields.get("text") or "",
                            url=fields.get("url"), source=fields.get("source"),
                            published=fields.get("published"), origin=where,
                            authors=tuple(str(a) for a in (authors or ())))
    except ValueError as e:
        return Rejection(where, str(e))


def _from_object(obj: object, where: str, mapping: Mapping[str, str]) -> Record:
    if not isinstance(obj, dict):
        return Rejection(where, f"expected a JSON object, got {type(obj).__name__}")
    return _article(_fields(obj, mapping), where)


def _read_jsonl(path: Path, data: bytes, mapping: Mapping[str, str]) -> Iterator[Record]:
    for n, raw in enumerate(data.split(b"\n"), start=1):
        where = f"{path}:{n}"
        if not raw.strip():
            continue
        line = _decode(where, raw)
        if isinstance(line, Rejection):
            yield line
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Rejection(where, f"malformed JSON ({e.msg} at column {e.colno}); each line must be one JSON object")
            continue
        yield _from_object(obj, where, mapping)


def _read_json(path: Path, data: bytes, mapping: Mapping[str, str]) -> Iterator[Record]:
    text = _decode(str(path), data)
    if isinstance(text, Rejection):
        yield text
        return
    try:
        items = json.loads(text)
    except json.JSONDecodeError as e:
        yield Rejection(f"{path}:{e.lineno}", f"malformed JSON ({e.msg}); expected an array of article objects")
        return
    items = items if isinstance(items, list) else [items]
    for i, obj in enumerate(items):
        yield _from_object(obj, f"{path}[{i}]", mapping)


def _read_csv(path: Path, data: bytes, mapping: Mapping[str, str]) -> Iterator[Record]:
    text = data.decode("utf-8-sig", errors="surrogateescape")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(h.strip().lower() for h in (reader.fieldnames or ()))
    profile_2017 = header == NEWS_ARTICLES_2017 and not mapping
    if not mapping and not any(a in header for a in FIELD_ALIASES["text"]):
        yield Rejection(f"{path}:1", f"no text column in header {list(header)}; name one "
                        "'text' or map it with --map text=COLUMN")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Rejection(f"{path}:{reader.line_num}", f"malformed CSV ({e})")
            return
        where = f"{path}:{reader.line_num}"
        if None in row:
            yield Rejection(where, "row has more cells than the header; quote fields that hold commas")
            continue
        fields = _fields(row, mapping)
        if profile_2017:
            fields["text"] = repair_quote_mojibake(str(fields["text"] or ""))
            fields["title"] = repair_quote_mojibake(str(fields["title"] or ""))
            fields["id"] = None  # the URL identifies these articles across re-exports
        if not (fields.get("text") or "").strip():
            yield Rejection(where, "field 'text' is empty: every article needs a body")
            continue
        yield _article(fields, where)
