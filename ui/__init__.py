"""The Gradio chat page of newsqa; it calls `Assistant` and holds no retrieval or prompting logic."""
