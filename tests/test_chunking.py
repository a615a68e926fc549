from index.chunking import chunk_article
from index.normalize import make_article


def test_chunks_fit_the_window_and_ids_are_positions():
    text = "\n\n".join(f"Paragraph {i} says something about tariffs and trade talks. " * 4 for i in range(12))
    a = make_article(title="Trade talks", text=text, url="https://x.org/a")
    chunks = chunk_article(a)
    assert len(chunks) > 3
    assert all(len(c.text) <= 800 for c in chunks)
    assert [c.id for c in chunks] == [f"{a.id}:{i}" for i in range(len(chunks))]
    assert all(c.embed_text.startswith("Trade talks\n") for c in chunks)
    assert chunk_article(a) == chunks  # same input, same chunks


def test_short_article_is_one_chunk_with_metadata():
    a = make_article(title="T", text="Short body.", url="https://www.bbc.co.uk/n", published="2017-03-01")
    (c,) = chunk_article(a)
    assert (c.text, c.source, c.published.isoformat(), c.url) == ("Short body.", "BBC", "2017-03-01", "https://www.bbc.co.uk/n")
