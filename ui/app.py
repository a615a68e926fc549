"""The chat page: a streamed, cited answer beside a panel of its sources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ui.render import answer_html, esc, sources_html

EXAMPLES = [
    "What tariff rate on Japanese imports was set to expire?",
    "Who did Japan's trade negotiator speak with, and when?",
    "How was Betsy DeVos confirmed as education secretary?",
]
CSS = """
.sources details{border:1px solid var(--border-color-primary);border-radius:8px;padding:8px;margin-bottom:8px}
.sources .meta{font-size:0.85em;opacity:0.8;margin:4px 0}
.sources mark{background:#fde68a;color:inherit}
.sources .others{font-size:0.85em;opacity:0.8}
"""


def build(assistant: Any):
    """The Gradio Blocks page over an Assistant."""
    import gradio as gr

    def status() -> str:
        try:
            s = assistant.store.stats()
            return f"{s['articles']} articles indexed · answers by {esc(assistant.backend_name)}"
        except Exception as e:  # the page still loads; the status says what is wrong
            return f"store unavailable: {esc(e)}"

    def respond(message: str, history: list[dict]) -> Iterator[tuple[list[dict], str, str]]:
        message = (message or "").strip()
        if not message:
            yield history, sources_html([]), ""
            return
        turns = [(history[i]["content"], history[i + 1]["content"]) for i in range(0, len(history) - 1, 2)
                 if history[i]["role"] == "user"]
        history = history + [{"role": "user", "content": esc(message)},
                             {"role": "assistant", "content": "…"}]
        yield history, sources_html([]), ""
        text = ""
        for event, value in assistant.stream(message, history=turns):
            if event == "token":
                text += str(value)
                history[-1] = {"role": "assistant", "content": esc(text)}
                yield history, sources_html([]), ""
            elif event == "answer":
                history[-1] = {"role": "assistant", "content": answer_html(value.text)}
                yield history, sources_html(value.citations, value.passages), ""

    with gr.Blocks(title="newsqa") as page:
        gr.Markdown("## newsqa\nAsk about the news. Every answer cites the passages it comes from.")
        info = gr.Markdown(status(), elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(height=460, label="Chat", elem_id="chat", sanitize_html=True)
                box = gr.Textbox(placeholder="Ask a question about the news…", label="Question",
                                 elem_id="question", submit_btn=True, stop_btn=True)
                gr.Examples(EXAMPLES, inputs=box)
            with gr.Column(scale=2):
                sources = gr.HTML(sources_html([]), label="Sources", elem_id="sources")
        box.submit(respond, [box, chat], [chat, sources, box])
        page.load(status, None, info)
    return page


def serve(assistant: Any) -> None:
    """Serve the page on the configured host and port until interrupted."""
    s = assistant.settings
    page = build(assistant)
    import threading

    threading.Thread(target=assistant.warm_up, name="warm-up", daemon=True).start()
    auth = ("newsqa", s.api_key) if s.api_key else None
    page.launch(server_name=s.host, server_port=s.port, auth=auth, css=CSS, show_error=True)
