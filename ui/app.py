"""The Gradio page: a streaming chat with linked citations, a sources panel, filters,
article upload and the list of indexed articles; plus the `/ask` API endpoint.

    from ui.app import build_app
    build_app(Assistant()).launch()         # ui.serve.launch() adds the /v1 API, as `assistant ui`
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer import Answer
from assistant.conversations import ConversationStore
from assistant.suggestions import suggest
from index.errors import AssistantError
from ui import articles, feeds, saved
from ui.inputs import error_message, make_filters, parse_as_of
from ui.render import (
    PANEL_EMPTY,
    PANEL_JS,
    PANEL_WORKING,
    plain_history,
    render_answer,
    render_error,
    render_sources,
    render_status,
    render_stream,
)

log = logging.getLogger("assistant.ui")

CONCURRENCY = 8  # chats (and /ask calls) answered at the same time; the Assistant is thread-safe
EXAMPLES = [
    "How many Ukrainian drones did Russia's Ministry of Defense say it intercepted?",
    "Who warned that the Kurakhove reservoir dam damage could cause flooding?",
]


# -- the page --------------------------------------------------------------------------------
class Handlers:
    """The page's server-side functions for one Assistant (plain methods: easy to test)."""

    def __init__(self, assistant: Any, store: ConversationStore | None = None) -> None:
        self.assistant = assistant
        self.store = store

    def respond(
        self,
        message: str,
        history: list[Any],
        sources: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        session: dict[str, Any] | None = None,
        as_of: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream the answer into the chat. Each item is (chat message, sources panel,
        session, conversation list); the last holds the checked answer with linked [n]
        markers and follow-up suggestions as clickable options, and the turn is saved.
        `as_of` (YYYY-MM-DD) is the reference date of "latest", "last week" (empty: today)."""
        session = dict(session or saved.new_session())
        text = ""
        keep = (gr.skip(), gr.skip())
        try:
            filters = make_filters(sources, date_from, date_to)
            ref = parse_as_of(as_of)
            self._ensure_articles()
            final: Answer | None = None
            past = plain_history(history)
            more = {"as_of": ref} if ref else {}  # an Assistant without as_of still works
            for item in self.assistant.stream(message, past, filters, **more):
                if isinstance(item, Answer):
                    final = item
                elif item:
                    text += item
                    yield render_stream(text), gr.skip(), *keep
            if final is None:
                raise AssistantError("No answer came back; ask again.")
            aid = uuid.uuid4().hex[:8]
            reply: dict[str, Any] = {"role": "assistant", "content": render_answer(final, aid)}
            panel = render_sources(final, aid)
            yield reply, panel, *keep
            # Then the follow-up chips (each is checked with a search: they come a moment
            # after the answer), and the turn is saved with them.
            final.suggestions = self._suggestions(final, past)
            if final.suggestions:
                reply = {**reply, "options": [{"label": q, "value": q} for q in final.suggestions]}
            if self._save(session, message, final):
                keep = (session, saved.list_update(self.store, session))
            yield reply, panel, *keep
        except Exception as err:  # shown in the chat as one line; the log keeps the trace
            if not isinstance(err, AssistantError):
                log.exception("answering %r failed", message)
            yield render_error(error_message(err)), PANEL_EMPTY, *keep

    def start_session(self, request: gr.Request) -> tuple[dict[str, Any], Any]:
        """A page load: the session of the signed-in user (--auth; '' without it) and the
        list of that user's saved conversations only."""
        session = saved.new_session(getattr(request, "username", None) or "")
        return session, saved.list_update(self.store, session)

    def _suggestions(self, answer: Answer, history: list[dict[str, str]]) -> list[str]:
        if getattr(self.assistant, "settings", None) is None:
            return list(answer.suggestions)
        return suggest(self.assistant, answer, history)

    def _save(self, session: dict[str, Any], question: str, answer: Answer) -> bool:
        """Save the turn in the session's conversation (started on its first answer)."""
        if self.store is None:
            return False
        try:
            user = session.get("user", "")
            if not session.get("conversation"):
                session["conversation"] = self.store.create(user)
            self.store.add_turn(session["conversation"], question, answer, user)
            return True
        except Exception as err:  # the answer is shown even when it cannot be saved
            log.warning("saving the conversation failed: %s", err)
            return False

    def _ensure_articles(self) -> None:
        """An empty index is an error in the chat (not a bare "the articles do not say"),
        unless the Assistant will index its seed corpus first."""
        a = self.assistant
        settings = getattr(a, "settings", None)
        if settings is None or a.documents():
            return
        if settings.auto_seed and Path(settings.seeds_dir).exists():
            return
        raise AssistantError(
            "The index is empty: add articles in the Articles tab "
            "(or run `assistant ingest PATH`), then ask again."
        )

    def ask(self, question: str, as_of: str | None = None) -> dict[str, Any]:
        """Answer one question; returns the `assistant ask --json` object (answer,
        citations with passage offsets, refused, timings_ms, citation-check record).
        `as_of` (YYYY-MM-DD, optional) is the reference date of relative time."""
        try:
            ref = parse_as_of(as_of)
            answer = self.assistant.ask(question, **({"as_of": ref} if ref else {}))
            answer.suggestions = self._suggestions(answer, [])
            return dict(answer.to_dict())
        except Exception as err:
            if not isinstance(err, AssistantError):
                log.exception("/ask %r failed", question)
            raise gr.Error(error_message(err)) from None

    def status_html(self) -> str:
        a = self.assistant
        try:
            info = a.status()
        except Exception as err:
            info = {"documents": 0, "chunks": 0}
            log.warning("status failed: %s", err)
        return render_status(info, a.llm_name, a.embedding_name)

    def refresh(self) -> tuple[Any, ...]:
        """(status line, documents table, forget dropdown, sources filter dropdown)."""
        return (self.status_html(), *articles.refresh_outputs(self.assistant, None))


def build_app(assistant: Any, concurrency: int = CONCURRENCY) -> gr.Blocks:
    """The chat page for one Assistant (use launch() to serve it with its CSS and script)."""
    h = Handlers(assistant, saved.open_store(assistant))

    with gr.Blocks(title="News assistant", fill_height=False) as demo:
        # Server-side per page session: the signed-in user and the open conversation.
        session = gr.State(saved.new_session())
        with gr.Row(equal_height=False):
            gr.Markdown(
                "## News assistant\nAnswers come from the indexed articles; each "
                "**[n]** links to the passage it rests on."
            )
        status = gr.HTML("", elem_id="status-line")
        sources_panel = gr.HTML(
            PANEL_EMPTY, elem_id="sources-panel", render=False, js_on_load=PANEL_JS
        )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=360):
                    saved_widgets = saved.build()
                    with gr.Accordion("Filters", open=False, elem_id="filters"), gr.Row():
                        source_box = gr.Dropdown(
                            label="Sources",
                            choices=[],
                            multiselect=True,
                            info="only these sources (empty: all)",
                            elem_id="filter-sources",
                            scale=2,
                        )
                        date_from = gr.Textbox(
                            label="From", placeholder="YYYY-MM-DD", elem_id="filter-from"
                        )
                        date_to = gr.Textbox(
                            label="To", placeholder="YYYY-MM-DD", elem_id="filter-to"
                        )
                        as_of = gr.Textbox(
                            label="As of",
                            placeholder="YYYY-MM-DD",
                            info="the date 'latest' and 'last week' count from (empty: today)",
                            elem_id="filter-as-of",
                        )
                    chatbot = gr.Chatbot(
                        elem_id="chatbot",
                        height=520,
                        latex_delimiters=[],
                        buttons=["copy"],
                        feedback_options=None,
                        placeholder="Ask about the news articles in the index.",
                    )
                    chat = gr.ChatInterface(
                        h.respond,
                        chatbot=chatbot,
                        textbox=gr.Textbox(
                            placeholder="Ask a question about the articles…",
                            show_label=False,
                            elem_id="question",
                            submit_btn=True,
                            stop_btn=True,
                            autofocus=True,
                        ),
                        additional_inputs=[source_box, date_from, date_to, session, as_of],
                        additional_outputs=[
                            sources_panel,
                            session,
                            saved_widgets.conversations,
                        ],
                        examples=[[q, None, None, None, None, None] for q in EXAMPLES],
                        run_examples_on_click=False,
                        api_name="chat",
                        api_visibility="undocumented",
                        fill_height=False,
                    )
                with gr.Column(scale=2, min_width=300):
                    gr.Markdown("### Sources")
                    sources_panel.render()
            with gr.Tab("Articles", id="articles") as articles_tab:
                widgets = articles.build(assistant)
            panel = feeds.panel_for(assistant)
            if panel is not None:
                with gr.Tab("Feeds", id="feeds") as feeds_tab:
                    feed_widgets = feeds.build()

        # Clear the old answer's sources as soon as a question is sent.
        chat.textbox.submit(
            lambda: PANEL_WORKING, None, sources_panel, queue=False, api_visibility="private"
        )

        saved_widgets.wire(h.store, session, chatbot, chat.chatbot_state, sources_panel)

        demo.load(
            h.start_session, None, [session, saved_widgets.conversations], api_visibility="private"
        )
        refresh_targets = [status, *widgets.refresh_targets, source_box]
        demo.load(h.refresh, None, refresh_targets, api_visibility="private")
        articles_tab.select(h.refresh, None, refresh_targets, api_visibility="private")
        widgets.wire(h.refresh, refresh_targets)
        if panel is not None:
            feed_widgets.wire(panel, h.refresh, refresh_targets)
            feeds_tab.select(panel.table, None, feed_widgets.poll, api_visibility="private")
            demo.load(panel.table, None, feed_widgets.poll, api_visibility="private")

        gr.api(h.ask, api_name="ask", concurrency_limit="default")

    demo.queue(default_concurrency_limit=concurrency)
    # The page's scheduled feed refresh; ui.serve starts it with the server.
    demo.feed_scheduler = panel.scheduler if panel is not None else None  # type: ignore[attr-defined]
    return demo
