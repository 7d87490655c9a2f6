"""The page's saved conversations: a list to open, rename, delete and export (Markdown with the
sources, or JSON). Each page session carries a server-side state {"user", "conversation"}: the
signed-in user (from --auth; '' without it) and the open conversation's id, so each user sees
only their own conversations."""

from __future__ import annotations

import json
import logging
import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.conversations import ConversationStore, answer_from_dict
from index.errors import AssistantError
from ui.render import PANEL_EMPTY, esc, render_answer, render_sources

log = logging.getLogger("assistant.ui")


def new_session(user: str = "") -> dict[str, Any]:
    return {"user": user, "conversation": None}


def open_store(assistant: Any) -> ConversationStore | None:
    """The store of the assistant's data home (None for an assistant without settings)."""
    settings = getattr(assistant, "settings", None)
    if settings is None:
        return None
    try:
        return ConversationStore(settings.catalog_path)
    except AssistantError as err:
        log.warning("saved conversations are off: %s", err)
        return None


def list_update(store: ConversationStore | None, session: dict[str, Any]) -> Any:
    """The conversation dropdown: the user's conversations, the open one selected."""
    if store is None:
        return gr.Dropdown(choices=[], value=None)
    convs = store.list(session.get("user", ""))
    choices = [(f"{c.title} · {c.updated_at[:16].replace('T', ' ')}", c.id) for c in convs]
    current = session.get("conversation")
    return gr.Dropdown(choices=choices, value=current if current in {c.id for c in convs} else None)


def chat_messages(store: ConversationStore, cid: str, user: str) -> tuple[list[Any], str]:
    """A saved conversation as Chatbot messages, and the sources panel of its last answer."""
    conv = store.get(cid, user)
    messages: list[Any] = []
    panel = PANEL_EMPTY
    for m in conv.messages:
        if m.role != "assistant" or m.answer is None:
            messages.append({"role": m.role, "content": m.content})
            continue
        ans = answer_from_dict(m.answer)
        aid = uuid.uuid4().hex[:8]
        messages.append({"role": "assistant", "content": render_answer(ans, aid)})
        panel = render_sources(ans, aid)
    return messages, panel


def _export_path(title: str, suffix: str) -> Path:
    # Gradio serves files from its temp directory; one folder per export keeps names readable.
    folder = Path(tempfile.gettempdir()) / "news-assistant-exports" / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w\-]+", "-", title).strip("-")[:60] or "conversation"
    return folder / f"{stem}{suffix}"


@dataclass
class SavedWidgets:
    """The Conversations accordion; wire() connects it to the chat once both exist."""

    conversations: Any
    title: Any
    new_button: Any
    rename_button: Any
    delete_button: Any
    export_md: Any
    export_json: Any
    export_file: Any
    message: Any

    def wire(
        self,
        store: ConversationStore | None,
        session: Any,
        chatbot: Any,
        chat_state: Any,
        panel: Any,
    ) -> None:
        def fail(err: Exception | str) -> str:
            return f'<p class="chat-error">{esc(err)}</p>'

        def open_conv(cid: str | None, sess: dict[str, Any]) -> tuple[Any, ...]:
            if store is None or not cid:
                return (gr.skip(),) * 6
            try:
                conv = store.get(cid, sess.get("user", ""))
                messages, sources = chat_messages(store, cid, sess.get("user", ""))
            except AssistantError as err:
                return (*(gr.skip(),) * 5, fail(err))
            sess = {**sess, "conversation": cid}
            return messages, messages, sources, sess, conv.title, ""

        def new_conv(sess: dict[str, Any]) -> tuple[Any, ...]:
            sess = {**sess, "conversation": None}
            return [], [], PANEL_EMPTY, sess, list_update(store, sess), "", ""

        def rename(title: str, sess: dict[str, Any]) -> tuple[Any, str]:
            cid = sess.get("conversation")
            if store is None or not cid:
                return gr.skip(), fail("Open or start a conversation first, then rename it.")
            try:
                store.rename(cid, title or "", sess.get("user", ""))
            except AssistantError as err:
                return gr.skip(), fail(err)
            return list_update(store, sess), "<p>Renamed.</p>"

        def delete(sess: dict[str, Any]) -> tuple[Any, ...]:
            cid = sess.get("conversation")
            if store is None or not cid:
                return (*(gr.skip(),) * 6, fail("Open a conversation first, then delete it."))
            try:
                store.delete(cid, sess.get("user", ""))
            except AssistantError as err:
                return (*(gr.skip(),) * 6, fail(err))
            return (*new_conv(sess)[:6], "<p>Deleted.</p>")

        def export(sess: dict[str, Any], kind: str) -> tuple[Any, str]:
            cid = sess.get("conversation")
            if store is None or not cid:
                return gr.skip(), fail("Open or start a conversation first, then export it.")
            user = sess.get("user", "")
            try:
                title = store.get(cid, user).title
                if kind == "md":
                    path = _export_path(title, ".md")
                    path.write_text(store.export_markdown(cid, user), encoding="utf-8")
                else:
                    path = _export_path(title, ".json")
                    text = json.dumps(store.export_json(cid, user), indent=2, ensure_ascii=False)
                    path.write_text(text, encoding="utf-8")
            except AssistantError as err:
                return gr.skip(), fail(err)
            return gr.File(value=str(path), visible=True), ""

        private: dict[str, Any] = {"api_visibility": "private"}
        self.conversations.input(
            open_conv,
            [self.conversations, session],
            [chatbot, chat_state, panel, session, self.title, self.message],
            **private,
        )
        cleared = [chatbot, chat_state, panel, session, self.conversations, self.title]
        self.new_button.click(new_conv, [session], [*cleared, self.message], **private)
        self.rename_button.click(
            rename, [self.title, session], [self.conversations, self.message], **private
        )
        self.delete_button.click(delete, [session], [*cleared, self.message], **private)

        def drop_last(sess: dict[str, Any]) -> None:
            cid = sess.get("conversation")
            if store is not None and cid:
                try:
                    store.drop_last_turn(cid, sess.get("user", ""))
                except AssistantError as err:
                    log.warning("undo in the saved conversation failed: %s", err)

        # The chat's undo and retry take the last turn back; retry then saves its new answer.
        chatbot.undo(drop_last, [session], None, queue=False, **private)
        chatbot.retry(drop_last, [session], None, queue=False, **private)
        # Gradio's own "clear" (the chat's bin icon) starts a new conversation as well.
        chatbot.clear(lambda s: {**s, "conversation": None}, [session], [session], **private)
        self.export_md.click(
            lambda s: export(s, "md"), [session], [self.export_file, self.message], **private
        )
        self.export_json.click(
            lambda s: export(s, "json"), [session], [self.export_file, self.message], **private
        )


def build() -> SavedWidgets:
    """Lay the Conversations accordion out (inside a Blocks context)."""
    with gr.Accordion("Conversations", open=False, elem_id="conversations-panel"):
        conversations = gr.Dropdown(
            label="Saved conversations",
            choices=[],
            interactive=True,
            elem_id="conversation-list",
            info="pick one to open it; each answer is saved as you chat",
        )
        with gr.Row():
            title = gr.Textbox(label="Title", elem_id="conversation-title", scale=3)
            rename_button = gr.Button("Rename", elem_id="rename-conversation", scale=1, size="sm")
        with gr.Row():
            new_button = gr.Button("New conversation", elem_id="new-conversation", size="sm")
            delete_button = gr.Button(
                "Delete", elem_id="delete-conversation", variant="stop", size="sm"
            )
            export_md = gr.Button("Export Markdown", elem_id="export-markdown", size="sm")
            export_json = gr.Button("Export JSON", elem_id="export-json", size="sm")
        export_file = gr.File(label="Export", visible=False, elem_id="export-file")
        message = gr.HTML("", elem_id="conversation-message")
    return SavedWidgets(
        conversations, title, new_button, rename_button, delete_button, export_md, export_json,
        export_file, message,
    )  # fmt: skip
