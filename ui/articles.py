"""The "Articles" tab: add files and URLs (with progress and a per-input result table),
see what is indexed, and forget an article."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from index.errors import AssistantError
from index.ingest import STATUSES
from index.loaders import SUPPORTED, is_url
from ui.render import esc

log = logging.getLogger("assistant.ui")

RESULT_COLUMNS = ["input", "status", "title", "passages", "reason"]
# Gradio finds a Progress default in a handler's signature and reports through it per event;
# track_tqdm also shows the embedding progress bar of Assistant.ingest.
PROGRESS = gr.Progress(track_tqdm=True)
DOC_COLUMNS = ["doc_id", "title", "source", "published", "passages", "path or URL", "indexed at"]


@dataclass
class ArticleWidgets:
    files: Any
    urls: Any
    add_button: Any
    add_summary: Any
    results: Any
    documents: Any
    forget_box: Any
    forget_button: Any
    forget_message: Any
    refresh_button: Any
    assistant: Any = None
    refresh_targets: list[Any] = field(default_factory=list)

    def wire(self, refresh: Callable[[], tuple[Any, ...]], targets: list[Any]) -> None:
        """Events; `refresh` updates `targets` (status line, tables, dropdowns) afterwards."""
        a = self.assistant

        def add(files: list[Any] | None, urls: str | None, progress: Any = PROGRESS) -> Any:
            return add_articles(a, files, urls, progress)

        self.add_button.click(
            add,
            [self.files, self.urls],
            [self.results, self.add_summary],
            concurrency_limit=1,
            concurrency_id="index",
            show_progress="full",
            api_visibility="private",
        ).then(refresh, None, targets, api_visibility="private")
        self.forget_button.click(
            lambda doc: forget_article(a, doc),
            [self.forget_box],
            [self.forget_message],
            concurrency_limit=1,
            concurrency_id="index",
            api_visibility="private",
        ).then(refresh, None, targets, api_visibility="private")
        self.refresh_button.click(refresh, None, targets, api_visibility="private")
        self.documents.select(pick_document, None, [self.forget_box], api_visibility="private")


def table(columns: list[str], elem_id: str, max_height: int, widths: list[str | int]) -> Any:
    """An empty read-only table of text columns (the page's lists)."""
    return gr.Dataframe(
        value=pd.DataFrame(columns=columns),
        headers=columns,
        datatype="str",
        interactive=False,
        wrap=True,
        elem_id=elem_id,
        max_height=max_height,
        column_widths=widths,
    )


def build(assistant: Any) -> ArticleWidgets:
    """Lay the tab out (inside a gr.Tab context)."""
    gr.Markdown("### Add articles")
    with gr.Row(equal_height=False):
        files = gr.File(
            label="Article files (.txt, .md, .html, .pdf, .json, .jsonl)",
            file_count="multiple",
            file_types=sorted(SUPPORTED),
            type="filepath",
            elem_id="upload",
            scale=1,
        )
        with gr.Column(scale=1, min_width=320):
            urls = gr.Textbox(
                label="Article URLs (one per line)",
                lines=3,
                placeholder="https://example.com/news/story.html",
                elem_id="urls",
            )
            add_button = gr.Button("Add to the index", variant="primary", elem_id="add-articles")
    add_summary = gr.HTML("", elem_id="add-summary")
    results = table(RESULT_COLUMNS, "add-results", 320, ["26%", "10%", "32%", "9%", "23%"])
    gr.Markdown("### Indexed articles")
    documents = table(
        DOC_COLUMNS, "documents", 420, ["14%", "30%", "10%", "10%", "8%", "18%", "10%"]
    )
    with gr.Row(equal_height=True):
        forget_box = gr.Dropdown(
            label="Article to forget (or click its row above)",
            choices=[],
            elem_id="forget-doc",
            scale=3,
        )
        forget_button = gr.Button("Forget", variant="stop", elem_id="forget", scale=1)
        refresh_button = gr.Button("Refresh", elem_id="refresh", scale=1)
    forget_message = gr.HTML("", elem_id="forget-message")
    w = ArticleWidgets(
        files, urls, add_button, add_summary, results, documents,
        forget_box, forget_button, forget_message, refresh_button, assistant,
    )  # fmt: skip
    w.refresh_targets = [documents, forget_box]
    return w


# -- data --------------------------------------------------------------------------------------
def documents_frame(docs: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        [
            d.get("doc_id", ""),
            d.get("title", ""),
            d.get("source", "") or "",
            (d.get("published_at") or "")[:10],
            str(d.get("n_chunks", "")),
            d.get("url") or d.get("path") or d.get("key", ""),
            d.get("ingested_at", ""),
        ]
        for d in docs
    ]
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


def refresh_outputs(assistant: Any, selected: str | None) -> tuple[Any, Any, Any]:
    """Values for (documents table, forget dropdown, sources filter dropdown)."""
    try:
        docs = assistant.documents()
    except Exception as err:
        log.warning("listing documents failed: %s", err)
        docs = []
    choices = [
        (f"{(d.get('title') or '(untitled)')[:80]} ({d['doc_id']})", d["doc_id"]) for d in docs
    ]
    ids = {d["doc_id"] for d in docs}
    sources = sorted({str(d.get("source")) for d in docs if d.get("source")})
    return (
        documents_frame(docs),
        gr.Dropdown(choices=choices, value=selected if selected in ids else None),
        gr.Dropdown(choices=sources),
    )


def _unplaced(text: str, dest: Path) -> str:
    """A message without the server's upload folder ("/srv/home/uploads/a.txt" -> "a.txt")."""
    return text.replace(f"{dest}{os.sep}", "")


def uploads_dir(assistant: Any) -> Path:
    return Path(assistant.settings.home) / "uploads"


def add_articles(
    assistant: Any, files: list[Any] | None, urls: str | None, progress: Any
) -> tuple[pd.DataFrame, str]:
    """Index uploaded files and URLs one by one, in the order given; one result row per
    article (a JSON/JSONL file can hold several) or per input that could not be used."""
    dest = uploads_dir(assistant)
    inputs: list[tuple[str, str | None, str]] = []  # (label, target or None, why not)
    for f in files or []:
        src = Path(f if isinstance(f, str) else getattr(f, "name", str(f)))
        try:
            dest.mkdir(parents=True, exist_ok=True)
            # A stable place (and key) per file name: re-uploading an edited article replaces it.
            stored = dest / src.name
            shutil.copyfile(src, stored)
            inputs.append((src.name, str(stored), ""))
        except OSError as err:
            inputs.append((src.name, None, f"could not store the upload ({err})"))
    for line in (urls or "").splitlines():
        url = line.strip()
        if url:
            inputs.append((url, url, "") if is_url(url) else (url, None, "not an http(s) URL"))
    if not inputs:
        return pd.DataFrame(columns=RESULT_COLUMNS), (
            '<p class="src-note">Choose files or enter URLs, then press “Add to the index”.</p>'
        )
    rows: list[list[str]] = []
    for i, (label, target, why_not) in enumerate(inputs):
        progress((i, len(inputs)), desc=f"Indexing {label} ({i + 1}/{len(inputs)})")
        if target is None:
            rows.append([label, "rejected", "", "", why_not])
            continue
        try:
            report = assistant.ingest([target], progress=True)
        except AssistantError as err:
            rows.append([label, "rejected", "", "", _unplaced(str(err), dest)])
            continue
        except Exception as err:  # keep going with the other inputs
            log.exception("ingesting %s failed", target)
            rows.append([label, "rejected", "", "", f"{type(err).__name__}: {err}"])
            continue
        for item in report.items:
            key = Path(item.key).name if item.key.startswith(str(dest)) else item.key
            # Reasons named the server's copy ("/srv/home/uploads/a.txt: ..."), not the upload.
            why = _unplaced(item.reason or "", dest)
            rows.append([key or label, item.status, item.title, str(item.chunks or ""), why])
    progress((len(inputs), len(inputs)), desc="Done")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[1]] = counts.get(r[1], 0) + 1
    summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts.get(s))
    return pd.DataFrame(rows, columns=RESULT_COLUMNS), f'<p class="add-summary">{esc(summary)}</p>'


def forget_article(assistant: Any, doc_id: str | None) -> str:
    if not doc_id:
        return '<p class="chat-error">Pick an article to forget first.</p>'
    try:
        out = assistant.forget(doc_id)
    except AssistantError as err:
        return f'<p class="chat-error">{esc(err)}</p>'
    n = int(out.get("chunks", 0))
    return (
        f"<p>Forgot <b>{esc(out.get('title', ''))}</b> ({esc(out.get('doc_id', doc_id))}), "
        f"{n} passage{'' if n == 1 else 's'} removed.</p>"
    )


def pick_document(evt: gr.SelectData) -> Any:
    row = evt.row_value or []
    return gr.Dropdown(value=row[0]) if row else gr.skip()
