"""Rebuild the bundled news-articles-2017 slice from the full data set (run from the repo root)."""

import csv
import gzip
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

PER_OUTLET = 34
SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/news-articles-2017/NewsArticles.csv.gz")
DST = Path(__file__).with_name("news-articles-2017-sample.csv.gz")


def main() -> None:
    with gzip.open(SRC, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if 600 <= len(row["text"]) <= 9000 and row["publish_date"].strip():
            by_outlet[urlparse(row["article_source_link"]).netloc].append(row)
    chosen = []
    for outlet in sorted(by_outlet):
        pool = sorted(by_outlet[outlet], key=lambda r: int(r["article_id"]))
        step = max(1, len(pool) // PER_OUTLET)
        chosen.extend(pool[::step][:PER_OUTLET])
    chosen.sort(key=lambda r: int(r["article_id"]))
    with gzip.GzipFile(DST, "wb", mtime=0) as raw, open_text(raw) as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(chosen)
    print(f"wrote {len(chosen)} articles to {DST}")


def open_text(raw):
    import io

    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


if __name__ == "__main__":
    main()
