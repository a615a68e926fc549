"""Splitting articles into passages sized for the embedding model's window."""

from __future__ import annotations

from collections.abc import Iterable

from index.types import Article, Chunk

# all-MiniLM-L6-v2 reads 256 tokens, about 1,000 characters of English: a chunk plus its title fits.
CHUNK_SIZE = 800
CHUNK_OVERLAP = 120
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


def make_splitter(chunk_size: int = CHUNK_SIZE, chunk_overlap: int = CHUNK_OVERLAP):
    """A recursive splitter that prefers paragraph, then sentence boundaries."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap,
                                          separators=SEPARATORS, keep_separator="end",
                                          strip_whitespace=True)


def chunk_article(article: Article, splitter=None) -> list[Chunk]:
    """The article's chunks, ids '<article_id>:<position>' so re-chunking overwrites in place."""
    splitter = splitter or make_splitter()
    pieces = [p for p in splitter.split_text(article.text) if p.strip()] or [article.text]
    return [Chunk(id=f"{article.id}:{i}", article_id=article.id, position=i, text=piece,
                  title=article.title, source=article.source, url=article.url,
                  published=article.published) for i, piece in enumerate(pieces)]


def chunk_articles(articles: Iterable[Article], chunk_size: int = CHUNK_SIZE,
                   chunk_overlap: int = CHUNK_OVERLAP) -> list[Chunk]:
    """Chunks of many articles with one splitter."""
    splitter = make_splitter(chunk_size, chunk_overlap)
    return [c for a in articles for c in chunk_article(a, splitter)]
