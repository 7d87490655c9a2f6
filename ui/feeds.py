"""The "Feeds" tab: add an RSS/Atom feed, list the watched feeds (url, title, last refresh,
entries, status), refresh them now, remove one (keeping or dropping its articles); and the
page's own scheduled refresh, a background thread of the `assistant ui` process.

The page and `assistant watch` share one data home: both keep feed state in the catalog
(index/watch.py), a refresh holds the home's feed lock and the ingest after it the home's write
lock (index/lock.py), so either may refresh while the other runs, one after the other.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from index.errors import AssistantError
from index.loaders import is_url
from ui.articles import table as read_only_table
from ui.render import esc

log = logging.getLogger("assistant.ui")

FEED_COLUMNS = ["url", "title", "last refresh (UTC)", "entries", "status"]
KEEP, DROP = "keep its articles", "drop its articles"
DEFAULT_EVERY_MINUTES = 30.0
TABLE_POLL_S = 10.0  # how often an open page re-reads the feed list (a scheduled refresh shows)


class FeedPanel:
    """The tab's server-side functions for one Assistant; each returns (message HTML, feed
    table, feed dropdown)."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant
        self.scheduler: FeedScheduler | None = None

    def watcher(self) -> Any:
        from index.watch import watcher_for

        return watcher_for(self.assistant.settings)

    def feeds(self) -> list[dict[str, Any]]:
        try:
            return list(self.watcher().feeds())
        except AssistantError as err:
            log.warning("listing feeds failed: %s", err)
            return []

    def outputs(self, message: str, selected: str | None = None) -> tuple[str, Any, Any]:
        feeds = self.feeds()
        rows = [
            [
                f["url"],
                f.get("title") or "",
                (f.get("checked_at") or "").replace("T", " ").rstrip("Z"),
                str(f.get("entries") or 0),
                f.get("status") or "",
            ]
            for f in feeds
        ]
        urls = [f["url"] for f in feeds]
        return (
            message,
            pd.DataFrame(rows, columns=FEED_COLUMNS),
            gr.Dropdown(choices=urls, value=selected if selected in urls else None),
        )

    def table(self) -> tuple[Any, str]:
        """(feed table, schedule line): what a page polls."""
        _, frame, _ = self.outputs("")
        return frame, self.schedule_line()

    def schedule_line(self) -> str:
        s = self.scheduler
        if s is None or s.every_s <= 0:
            return "This page does not refresh feeds on a schedule; press “Refresh now”."
        nxt = time.strftime("%H:%M:%S UTC", time.gmtime(s.next_at))
        last = f" Last scheduled refresh: {esc(s.last_summary)}." if s.last_summary else ""
        return f"This page refreshes every watched feed every {s.every_s / 60:g} min (next at {nxt}).{last}"

    def add(self, url: str | None) -> tuple[str, Any, Any]:
        url = (url or "").strip()
        if not is_url(url):
            return self.outputs(
                _error("Enter the feed's http(s) URL, e.g. https://example.com/rss.")
            )
        known = {f["url"] for f in self.feeds()}
        try:
            results, report = self.assistant.watch([url], progress=False)
        except AssistantError as err:
            return self.outputs(_error(str(err)))
        if results and results[0].error and url not in known:
            # Not a feed (or unreachable): it is not kept in the list to be retried forever.
            with contextlib.suppress(AssistantError):
                self.watcher().remove(url)
        return self.outputs(_lines(results, report), url)

    def refresh_now(self, selected: str | None = None) -> tuple[str, Any, Any]:
        try:
            results, report = refresh_all(self.assistant, self.watcher())
        except AssistantError as err:
            return self.outputs(_error(str(err)), selected)
        if not results:
            return self.outputs(_error("No feed is watched yet: add one first."), selected)
        return self.outputs(_lines(results, report), selected)

    def remove(self, url: str | None, articles: str | None) -> tuple[str, Any, Any]:
        if not url:
            return self.outputs(_error("Pick the feed to remove first."))
        drop = articles == DROP
        try:
            keys = self.watcher().remove(url, keep_archive=not drop)
            gone = drop_articles(self.assistant, keys) if drop else 0
        except AssistantError as err:
            return self.outputs(_error(str(err)), url)
        n = gone if drop else len(keys)
        what = f"its {n} article{'' if n == 1 else 's'} " + (
            "dropped from the index" if drop else "stay indexed"
        )
        return self.outputs(f"<p>Removed <b>{esc(url)}</b>; {what}.</p>")


def refresh_all(assistant: Any, watcher: Any) -> tuple[list[Any], Any]:
    """Refresh every watched feed of the home (the page's and `assistant watch`'s) and index
    what they brought (the archives of feeds still watched: a feed removed meanwhile took its
    archive with it)."""
    urls = [f["url"] for f in watcher.feeds()]
    if not urls:
        return [], None
    results = watcher.refresh(urls, watched_only=True)
    archives = [str(r.archive) for r in results if r.archive and r.archive.exists()]
    return results, (assistant.ingest(archives, progress=False) if archives else None)


def drop_articles(assistant: Any, keys: list[str]) -> int:
    """Remove the articles of these entry links under the home's write lock; returns how many
    were indexed. A wire story goes with its copies (index.ingest.remove)."""
    from index.ingest import remove

    if not keys:
        return 0
    with assistant.home.writing("remove feed articles") as (catalog, store):
        ids = list(dict.fromkeys(d for d in (catalog.find(k) for k in keys) if d))
        if ids:
            remove(catalog, store, ids)
            for d in ids:
                store.delete_doc(d)  # as forget does: no orphan chunk survives
    return len(ids)


def panel_for(assistant: Any) -> FeedPanel | None:
    """The feeds panel of an Assistant with a data home (None for one without settings), with
    its scheduler (not started) at the home's ASSISTANT_FEEDS__PAGE_EVERY_MINUTES."""
    settings = getattr(assistant, "settings", None)
    if settings is None or not hasattr(assistant, "watch"):
        return None
    panel = FeedPanel(assistant)
    minutes = float(getattr(settings.feeds, "page_every_minutes", DEFAULT_EVERY_MINUTES))
    panel.scheduler = FeedScheduler(assistant, minutes * 60)
    return panel


class FeedScheduler:
    """Refreshes every watched feed every `every_s` seconds in a daemon thread."""

    def __init__(self, assistant: Any, every_s: float) -> None:
        self.assistant = assistant
        self.every_s = every_s
        self.next_at = time.time() + every_s
        self.last_summary = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.every_s <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="feed-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        from index.watch import watcher_for

        while not self._stop.wait(max(0.0, self.next_at - time.time())):
            try:
                results, report = refresh_all(self.assistant, watcher_for(self.assistant.settings))
                if results:
                    stamp = time.strftime("%H:%M:%S UTC", time.gmtime())
                    lines = [r.line() for r in results] + [f"index: {report.summary()}"]
                    self.last_summary = f"{stamp}: " + "; ".join(lines)
                    log.info("scheduled feed refresh: %s", self.last_summary)
            except Exception as err:  # the thread must outlive one bad refresh
                self.last_summary = f"failed: {err}"
                log.warning("scheduled feed refresh failed: %s", err)
            self.next_at = time.time() + self.every_s


def _error(text: str) -> str:
    return f'<p class="chat-error">{esc(text)}</p>'


def _lines(results: list[Any], report: Any) -> str:
    items = [f"<li>{esc(r.line())}</li>" for r in results]
    for r in results:
        items += [f"<li>failed: {esc(p)}</li>" for p in r.problems]
    if report is not None:
        items.append(f"<li>index: {esc(report.summary())}</li>")
    return f'<ul class="feed-lines">{"".join(items)}</ul>'


@dataclass
class FeedWidgets:
    url: Any
    add_button: Any
    message: Any
    table: Any
    pick: Any
    articles: Any
    remove_button: Any
    refresh_button: Any
    schedule: Any
    timer: Any

    def wire(
        self, panel: FeedPanel, refresh: Callable[[], tuple[Any, ...]], targets: list[Any]
    ) -> None:
        """Events; `refresh` updates the page's other `targets` (status line, articles)."""
        out = [self.message, self.table, self.pick]
        common: dict[str, Any] = dict(
            concurrency_limit=1, concurrency_id="index", api_visibility="private"
        )
        self.add_button.click(panel.add, [self.url], out, **common).then(
            refresh, None, targets, api_visibility="private"
        )
        self.refresh_button.click(panel.refresh_now, [self.pick], out, **common).then(
            refresh, None, targets, api_visibility="private"
        )
        self.remove_button.click(panel.remove, [self.pick, self.articles], out, **common).then(
            refresh, None, targets, api_visibility="private"
        )
        self.table.select(_pick_feed, None, [self.pick], api_visibility="private")
        self.timer.tick(
            panel.table, None, self.poll, api_visibility="private", show_progress="hidden"
        )

    @property
    def poll(self) -> list[Any]:
        return [self.table, self.schedule]


def _pick_feed(evt: gr.SelectData) -> Any:
    row = evt.row_value or []
    return gr.Dropdown(value=row[0]) if row else gr.skip()


def build() -> FeedWidgets:
    """Lay the tab out (inside a gr.Tab context)."""
    gr.Markdown(
        "### Watch a feed\nRSS 2.0, RSS 1.0/RDF or Atom: each entry's page is fetched and indexed."
    )
    with gr.Row(equal_height=True):
        url = gr.Textbox(
            label="Feed URL", placeholder="https://example.com/rss.xml", elem_id="feed-url", scale=4
        )
        add_button = gr.Button("Add feed", variant="primary", elem_id="add-feed", scale=1)
    message = gr.HTML("", elem_id="feed-message")
    gr.Markdown("### Watched feeds")
    schedule = gr.HTML("", elem_id="feed-schedule")
    table = read_only_table(FEED_COLUMNS, "feeds", 360, ["28%", "20%", "14%", "8%", "30%"])
    with gr.Row(equal_height=True):
        pick = gr.Dropdown(
            label="Feed (or click its row above)", choices=[], elem_id="feed-pick", scale=3
        )
        articles = gr.Radio(
            [KEEP, DROP], value=KEEP, label="When removing", elem_id="feed-articles", scale=2
        )
        remove_button = gr.Button("Remove feed", variant="stop", elem_id="remove-feed", scale=1)
        refresh_button = gr.Button("Refresh now", elem_id="refresh-feeds", scale=1)
    timer = gr.Timer(TABLE_POLL_S)
    return FeedWidgets(
        url, add_button, message, table, pick, articles, remove_button, refresh_button,
        schedule, timer,
    )  # fmt: skip
