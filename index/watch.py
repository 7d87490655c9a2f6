"""Feeds kept fresh: conditional GETs, new and changed entries only, state in the catalog file.

State lives in two tables of the catalog database (HOME/catalog.sqlite3, WAL) on this module's
own connection: `feeds` (validators, last status) and `feed_entries` (a fingerprint of what the
feed said about each entry). The articles fetched for a feed are kept in its archive,
HOME/feeds/<id>.jsonl (article JSON records, one per entry link, rewritten atomically), and the
archive is what gets ingested: entries that roll off the feed stay indexed (a feed is a window,
not the archive), unchanged entries embed nothing, and an ingest interrupted after a refresh is
completed by the next one, which ingests the archive again.

Order per feed: fetch and extract the new entries, write the archive, then record the entries
and validators. A crash before the last step fetches those entries again; nothing is lost. An
entry whose page failed is not recorded, and the feed's validators are not kept that time, so
the next refresh downloads the feed again and retries it.

One refresh at a time per home, across processes: the page's scheduled refresh (ui/feeds.py) and
`assistant watch` both read-modify-write the same archives, so a refresh holds the lock file
HOME/feeds/write.lock (index.lock, the single-writer mechanism of the home); the ingest that
follows takes the home's own write lock as every write does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import AssistantError
from index.feeds import Polite, entry_article, page_not_feed, parse_feed
from index.fetch import FetchLimits
from index.loaders import Article, body_kind
from index.lock import write_lock

Progress = Callable[[int, int, str], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', site TEXT NOT NULL DEFAULT '',
    etag TEXT, last_modified TEXT, added_at TEXT NOT NULL, checked_at TEXT, status TEXT
);
CREATE TABLE IF NOT EXISTS feed_entries (
    feed_url TEXT NOT NULL, link TEXT NOT NULL, fingerprint TEXT NOT NULL, seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_url, link)
)
"""


@dataclass
class FeedResult:
    """One feed's refresh: counts of entries by what happened, or the error that stopped it."""

    url: str
    title: str = ""
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    not_modified: bool = False
    error: str = ""
    problems: list[str] = field(default_factory=list)  # one line per failed entry
    archive: Path | None = None
    articles: list[Article] = field(default_factory=list)  # the new and changed entries

    def line(self) -> str:
        name = self.title or self.url
        if self.error:  # the error names the URL already
            return f"{self.title}: failed: {self.error}" if self.title else f"failed: {self.error}"
        if self.not_modified:
            return f"{name}: not modified (304), nothing fetched"
        return (
            f"{name}: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.failed} failed"
        )


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class FeedWatcher:
    """Refreshes feeds into archives that the ingest indexes (see the module docstring)."""

    def __init__(
        self,
        catalog_path: Path,
        archive_dir: Path,
        limits: FetchLimits,
        host_delay_s: float = 1.0,
        respect_robots: bool = True,
        busy_timeout_s: float = 30.0,
        lock_timeout_s: float = 600.0,
    ) -> None:
        self.catalog_path = catalog_path
        self.lock_timeout_s = lock_timeout_s
        self.busy_timeout_s = busy_timeout_s
        self.archive_dir = archive_dir
        self.limits = limits
        self.polite = Polite(limits, host_delay_s, respect_robots)
        catalog_path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            for stmt in filter(str.strip, _SCHEMA.split(";")):
                db.execute(stmt)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """One transaction on a short-lived connection (WAL: readers never wait for it)."""
        db = sqlite3.connect(
            str(self.catalog_path), timeout=self.busy_timeout_s, isolation_level=None
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) and "busy" not in str(err):
                raise AssistantError(
                    f"The feed state in {self.catalog_path} is unreadable ({err}); run "
                    "`assistant doctor --repair`."
                ) from None
            raise AssistantError(
                f"The catalog {self.catalog_path} stayed busy for {self.busy_timeout_s:g} s "
                "(another process is writing); refresh the feeds again later."
            ) from None
        except sqlite3.DatabaseError as err:
            raise AssistantError(
                f"The feed state in {self.catalog_path} is unreadable ({err}); run "
                "`assistant doctor --repair`."
            ) from None
        finally:
            db.close()

    def archive_path(self, url: str) -> Path:
        return self.archive_dir / f"{hashlib.sha1(url.encode('utf-8')).hexdigest()[:16]}.jsonl"

    def feeds(self) -> list[dict[str, Any]]:
        """The feeds watched so far, oldest first, with their last status."""
        with self._db() as db:
            rows = db.execute(
                "SELECT url, title, site, added_at, checked_at, status, "
                "(SELECT COUNT(*) FROM feed_entries e WHERE e.feed_url = f.url) "
                "FROM feeds f ORDER BY added_at, url"
            ).fetchall()
        keys = ("url", "title", "site", "added_at", "checked_at", "status", "entries")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def remove(self, url: str, keep_archive: bool = False) -> list[str]:
        """Stop watching `url`; returns the article keys (entry links) its archive held, for
        a caller that also wants to forget the articles. keep_archive: the articles stay
        indexed, and so does their archive: the ingest removes an archive's articles that it no
        longer holds, so a feed added again must find the entries that rolled off meanwhile."""
        path = self.archive_path(url)
        with self._refreshing("remove feed"):
            keys = list(_read_archive(path))
            with self._db() as db:
                found = db.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount
                db.execute("DELETE FROM feed_entries WHERE feed_url = ?", (url,))
            if not found and (keep_archive or not keys):
                raise AssistantError(f"{url} is not a watched feed; `assistant watch` lists them.")
            if not keep_archive:
                path.unlink(missing_ok=True)
        return keys

    @contextmanager
    def _refreshing(self, what: str) -> Iterator[None]:
        with write_lock(self.archive_dir, self.lock_timeout_s, what):
            yield

    def refresh(
        self, urls: Sequence[str], progress: Progress | None = None, watched_only: bool = False
    ) -> list[FeedResult]:
        """Refresh each feed in turn; a failing feed gets its error line and the rest go on.
        watched_only: skip a URL no longer watched (a scheduled refresh must not bring back a
        feed removed since it listed them); otherwise a new URL starts being watched."""
        out = []
        for url in urls:
            try:
                with self._refreshing("feed refresh"):
                    if watched_only and not self._watched(url):
                        continue
                    out.append(self._refresh_one(url, progress))
            except AssistantError as err:
                result = FeedResult(url, error=str(err))
                out.append(result)
                # A busy catalog: the line says so, and the next refresh records the status.
                with contextlib.suppress(AssistantError):
                    self._save_status(url, result.line())

        return out

    def _watched(self, url: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone() is not None

    def _state(self, url: str) -> tuple[dict[str, str], dict[str, str]]:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO feeds (url, added_at) VALUES (?, ?)", (url, _now()))
            etag, modified = db.execute(
                "SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)
            ).fetchone()
            seen = dict(
                db.execute(
                    "SELECT link, fingerprint FROM feed_entries WHERE feed_url = ?", (url,)
                ).fetchall()
            )
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers, seen

    def _save_status(self, url: str, status: str) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO feeds (url, added_at, checked_at, status) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET checked_at = excluded.checked_at, "
                "status = excluded.status",
                (url, _now(), _now(), status),
            )

    def _refresh_one(self, url: str, progress: Progress | None) -> FeedResult:
        headers, seen = self._state(url)
        archive = self.archive_path(url)
        resp = self.polite.get(url, headers)
        if resp.status == 304:
            result = FeedResult(url, _title_of(self, url), not_modified=True)
            result.unchanged = len(seen)
            result.archive = archive if archive.exists() else None
            self._save_status(url, result.line())
            return result
        try:
            feed = parse_feed(resp.body, resp.url, resp.headers)
        except AssistantError:
            # Only once feedparser fails: a feed served as text/html is still a feed. Its
            # complaint about a page was "mismatched tag; give ... a page URL".
            if body_kind(resp) == "html":
                raise page_not_feed(resp.body, resp.url) from None
            raise
        result = FeedResult(url, feed.title)
        done: dict[str, str] = {}
        for i, entry in enumerate(feed.entries):
            if progress:
                progress(i, len(feed.entries), entry.link)
            before = seen.get(entry.link)
            if before == entry.fingerprint:
                result.unchanged += 1
                continue
            try:
                result.articles.append(entry_article(entry, feed, self.polite))
            except AssistantError as err:
                result.failed += 1
                result.problems.append(str(err))
                continue
            done[entry.link] = entry.fingerprint
            if before is None:
                result.new += 1
            else:
                result.changed += 1
        if progress:
            progress(len(feed.entries), len(feed.entries), "done")
        if result.articles:
            _write_archive(archive, result.articles)
        result.archive = archive if archive.exists() else None
        keep_validators = not result.failed  # a failed entry must be retried next time
        with self._db() as db:
            db.execute(
                "UPDATE feeds SET title = ?, site = ?, etag = ?, last_modified = ?, "
                "checked_at = ?, status = ? WHERE url = ?",
                (
                    feed.title,
                    feed.site,
                    resp.headers.get("etag") if keep_validators else None,
                    resp.headers.get("last-modified") if keep_validators else None,
                    _now(),
                    result.line(),
                    url,
                ),
            )
            db.executemany(
                "INSERT INTO feed_entries VALUES (?, ?, ?, ?) ON CONFLICT(feed_url, link) "
                "DO UPDATE SET fingerprint = excluded.fingerprint, seen_at = excluded.seen_at",
                [(url, link, fp, _now()) for link, fp in done.items()],
            )
        return result


def watcher_for(settings: Any) -> FeedWatcher:
    """The watcher of a Settings' home (its catalog, HOME/feeds, its fetch and feed settings)."""
    s = settings
    return FeedWatcher(
        s.catalog_path, s.home / "feeds", s.fetch_limits(), s.feeds.host_delay_s,
        s.feeds.respect_robots, lock_timeout_s=s.lock_timeout_s,
    )  # fmt: skip


def entry_progress(desc: str) -> Progress:
    """A tqdm bar (on stderr) over one feed's entries."""
    import sys

    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int, what: str) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc[-40:], unit="entry", file=sys.stderr)
        b = bar["bar"]
        b.update(done - b.n)
        if done >= total:
            b.close()

    return update


def _title_of(watcher: FeedWatcher, url: str) -> str:
    with watcher._db() as db:
        row = db.execute("SELECT title FROM feeds WHERE url = ?", (url,)).fetchone()
    return str(row[0]) if row and row[0] else ""


def _record(article: Article) -> dict[str, Any]:
    rec = {
        "url": article.url,
        "title": article.title,
        "body": article.text,
        "source": article.source,
        "published_at": article.published_at,
    }
    if article.extra.get("author"):
        rec["author"] = article.extra["author"]
    return rec


def _read_archive(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[str(rec["url"])] = rec
    return out


def _write_archive(path: Path, articles: list[Article]) -> None:
    """Merge the articles into the archive (one record per link), atomically."""
    records = _read_archive(path)
    for art in articles:
        records[str(art.url)] = _record(art)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in records.values():
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
