"""The chat page: a streamed, cited answer beside its sources; filters; adding articles; the API beside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.timeparse import parse_day
from index.errors import NewsqaError
from index.loaders import SUFFIXES
from index.store import Filters
from ui.render import answer_html, esc, sources_html, stats_html

EXAMPLES = [
    "What tariff rate on Japanese imports was set to expire?",
    "Who did Japan's trade negotiator speak with, and when?",
    "What did Theresa May say about a second Scottish referendum in March 2017?",
]
UPLOAD_LIMIT_MB = 20
CSS = """
.sources details{border:1px solid var(--border-color-primary);border-radius:8px;padding:8px;margin-bottom:8px}
.sources .meta{font-size:0.85em;opacity:0.8;margin:4px 0}
.sources mark{background:#fde68a;color:inherit}
.sources .others,.corpus{font-size:0.85em;opacity:0.8}
.sources details:target{outline:2px solid #4a7ab0}
"""


def build(assistant: Any):
    """The Gradio Blocks page over an Assistant."""
    import gradio as gr

    def corpus() -> tuple[str, Any]:
        try:
            s = assistant.stats()
        except Exception as e:  # the page still loads; the line says what is wrong
            return f'<div class="corpus">store unavailable: {esc(e)}</div>', gr.update()
        return stats_html(s), gr.update(choices=list(s["outlets"]))

    def respond(message: str, history: list[dict], since: str, until: str, outlets: list[str]
                ) -> Iterator[tuple[list[dict], str, str]]:
        message = (message or "").strip()
        if not message:
            yield history, gr.update(), ""
            return
        turns = [(history[i]["content"], history[i + 1]["content"]) for i in range(0, len(history) - 1, 2)
                 if history[i]["role"] == "user"]
        history = history + [{"role": "user", "content": esc(message)}, {"role": "assistant", "content": "…"}]
        try:
            filters = Filters(parse_day(since, "From"), parse_day(until, "To"), tuple(outlets or ()))
        except NewsqaError as e:
            history[-1] = {"role": "assistant", "content": esc(str(e))}
            yield history, gr.update(), ""
            return
        yield history, sources_html([]), ""
        text = ""
        for event, value in assistant.stream(message, filters=filters, history=turns):
            if event == "token":
                text += str(value)
                history[-1] = {"role": "assistant", "content": esc(text)}
                yield history, gr.update(), ""
            elif event == "answer":
                history[-1] = {"role": "assistant", "content": answer_html(value.text)}
                yield history, sources_html(value.citations, value.passages), ""

    def add_articles(files: list[str] | None, urls: str, feed: str, progress=gr.Progress()):
        sources = [Path(f) for f in files or []]
        too_big = [p.name for p in sources if p.stat().st_size > UPLOAD_LIMIT_MB * 1024 * 1024]
        if too_big:
            return f"Not added: {esc(', '.join(too_big))} larger than {UPLOAD_LIMIT_MB} MB.", *corpus()
        links = [u.strip() for u in (urls or "").splitlines() if u.strip()]
        feeds = [feed.strip()] if feed and feed.strip() else []
        if not sources and not links and not feeds:
            return "Choose files, paste article URLs or give a feed URL first.", *corpus()
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            progress(0.5, desc=f"embedded {done[0]} passages")

        progress(0.05, desc="reading")
        try:
            report = assistant.ingest([*sources, *links], progress=tick, feeds=feeds)
        except NewsqaError as e:
            return f"Not added: {esc(e)}", *corpus()
        lines = [esc(report.summary())] + [f"- rejected: {esc(r)}" for r in report.rejected[:20]]
        return "\n".join(lines), *corpus()

    with gr.Blocks(title="newsqa") as page:
        gr.Markdown("## newsqa\nAsk about the news. Every answer cites the passages it comes from.")
        info = gr.HTML(elem_id="corpus")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(height=460, label="Chat", elem_id="chat", sanitize_html=True)
                box = gr.Textbox(placeholder="Ask a question about the news…", label="Question",
                                 elem_id="question", submit_btn=True, stop_btn=True)
                gr.Examples(EXAMPLES, inputs=box)
                with gr.Accordion("Filters", open=False):
                    with gr.Row():
                        since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="since")
                        until = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="until")
                    outlets = gr.Dropdown(label="Outlets", multiselect=True, choices=[], elem_id="outlets")
            with gr.Column(scale=2):
                sources = gr.HTML(sources_html([]), elem_id="sources")
        with gr.Accordion("Add articles", open=False, elem_id="add"):
            gr.Markdown(f"Files: {', '.join(SUFFIXES)} (up to {UPLOAD_LIMIT_MB} MB each). "
                        "Article URLs are fetched and their main text extracted; feeds are RSS or Atom.")
            with gr.Row():
                files = gr.File(file_count="multiple", file_types=list(SUFFIXES), label="Files", elem_id="files")
                with gr.Column():
                    urls = gr.Textbox(label="Article URLs (one per line)", lines=3, elem_id="urls")
                    feed = gr.Textbox(label="Feed URL", elem_id="feed")
            add = gr.Button("Add to the index", elem_id="add-button")
            result = gr.Markdown(elem_id="ingest-report")
        box.submit(respond, [box, chat, since, until, outlets], [chat, sources, box])
        add.click(add_articles, [files, urls, feed], [result, info, outlets])
        page.load(corpus, None, [info, outlets])
    return page


def create_server(assistant: Any):
    """The FastAPI app: the HTTP API under /api, the docs at /docs, the chat page at /."""
    import gradio as gr

    from assistant.api import create_app

    app = create_app(assistant)
    s = assistant.settings
    auth = ("newsqa", s.api_key) if s.api_key else None
    return gr.mount_gradio_app(app, build(assistant), path="/", css=CSS, auth=auth, show_error=True,
                               max_file_size=f"{UPLOAD_LIMIT_MB}mb")


def serve(assistant: Any) -> None:
    """Serve page and API on the configured host and port until interrupted."""
    import threading

    import uvicorn

    app = create_server(assistant)
    threading.Thread(target=assistant.warm_up, name="warm-up", daemon=True).start()
    s = assistant.settings
    print(f"newsqa: chat on http://{s.host}:{s.port}/ , API docs on http://{s.host}:{s.port}/docs", flush=True)
    uvicorn.run(app, host=s.host, port=s.port, log_level="warning")
