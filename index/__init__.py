"""Storage side of newsqa: articles in, chunks out, hybrid search over Chroma and BM25."""
