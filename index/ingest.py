"""Incremental, crash-safe ingestion: new articles are embedded, unchanged ones skipped, changed
ones replaced, duplicates indexed once, and articles removed from a re-ingested folder deleted,
but never those of a file that could not be read this time.

The write order (index.catalog) survives a crash at any instant; the caller holds the home's
write lock (index.lock) for the whole run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.catalog import Catalog
from index.chunking import Chunk, chunk_article
from index.dedupe import Stories, earlier
from index.embeddings import Embedder
from index.errors import AssistantError
from index.fetch import FetchLimits
from index.loaders import Article, is_url, iter_folder, load_url, read_file
from index.store import ChunkStore

Progress = Callable[[int, int, str], None]
STATUSES = (
    "indexed", "replaced", "unchanged", "duplicate", "copy", "removed", "kept", "skipped",
    "rejected",
)  # fmt: skip


@dataclass
class ItemResult:
    """What happened to one article (or one input that could not be read)."""

    key: str
    # One of STATUSES. `kept`: a file unreadable this time keeps its articles; `copy`: a wire
    # copy of an indexed story, stored as one more outlet of it and not embedded again.
    status: str
    title: str = ""
    doc_id: str = ""
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    items: list[ItemResult] = field(default_factory=list)
    embedded_chunks: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def changed(self) -> bool:
        return any(i.status in ("indexed", "replaced", "removed") for i in self.items)

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in STATUSES if self.count(s)]
        return (
            f"{', '.join(parts) or 'nothing to do'}; {self.embedded_chunks} chunks embedded "
            f"in {self.seconds:.1f}s"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [asdict(i) for i in self.items],
            "embedded_chunks": self.embedded_chunks,
            "seconds": round(self.seconds, 3),
            "summary": self.summary(),
        }


@dataclass
class _Gathered:
    items: list[tuple[str, Article]] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # folders/files whose removals we track
    unread: set[str] = field(default_factory=set)  # files that could not be read this time
    read: set[str] = field(default_factory=set)  # a file named twice (folder and file) once


def _load(path: Path, report: IngestReport, out: _Gathered) -> None:
    key = str(path.resolve())
    if key in out.read:
        return  # it was reported as a copy of itself ("1 indexed, 1 copy" for one article)
    out.read.add(key)
    result = read_file(path)
    if result.question_set:
        reason = f"{path} is a question set, not articles; score with `assistant eval {path}`."
        report.items.append(ItemResult(key=str(path), status="skipped", reason=reason))
        return
    for problem in result.problems:
        report.items.append(ItemResult(key=str(path), status="rejected", reason=problem))
    if not result.articles and not result.problems:
        report.items.append(
            ItemResult(key=str(path), status="rejected", reason=f"{path}: no articles in the file.")
        )
    if not result.complete:
        # Unreadable, empty or partly bad this time: not a file whose records were deleted.
        out.unread.add(result.path)
    out.items.extend((result.path, a) for a in result.articles)


def _gather(
    target: str, report: IngestReport, out: _Gathered, strict: bool, limits: FetchLimits | None
) -> None:
    if is_url(target):
        out.items.extend((target, a) for a in load_url(target, limits))
        return
    path = Path(target).expanduser()
    if not path.exists():
        raise AssistantError(f"No such file or folder: {target}; check the path (or give a URL).")
    out.roots.append(str(path.resolve()))
    if path.is_dir():
        for f in iter_folder(path):
            _load(f, report, out)
        return
    before = len(out.items)
    _load(path, report, out)
    if strict and len(out.items) == before:  # a single named file gave nothing: say why
        raise AssistantError(report.items.pop().reason)


def ingest(
    targets: Iterable[str],
    store: ChunkStore,
    catalog: Catalog,
    embedder: Embedder,
    chunk_size: int = 256,
    chunk_overlap: int = 32,
    progress: Progress | None = None,
    batch_chunks: int = 256,
    max_article_chars: int = 2_000_000,
    fetch_limits: FetchLimits | None = None,
) -> IngestReport:
    """Index the targets; raise AssistantError only when a single named input is unusable."""
    t0 = time.perf_counter()
    report = IngestReport()
    targets = list(targets)
    got = _Gathered()
    for target in targets:
        try:
            _gather(target, report, got, len(targets) == 1, fetch_limits)
        except AssistantError as err:
            if len(targets) == 1:
                raise
            report.items.append(ItemResult(key=target, status="rejected", reason=str(err)))

    recover(catalog, store)
    to_embed: list[tuple[str, Article, list[Chunk]]] = []
    copies: list[dict[str, Any]] = []
    demoted: dict[str, list[dict[str, Any]]] = {}  # new story -> rows of the stories it displaces
    stories = Stories(catalog)
    seen: set[str] = set()
    hashes_in_run: dict[str, str] = {}
    for origin, art in got.items:
        seen.add(art.doc_id)
        if len(art.text) > max_article_chars:
            report.items.append(
                ItemResult(
                    art.key,
                    "rejected",
                    art.title,
                    art.doc_id,
                    reason=f"{art.key}: {len(art.text):,} characters, over the limit of "
                    f"{max_article_chars:,}; split it or raise ASSISTANT_MAX_ARTICLE_CHARS.",
                )
            )
            continue
        entry = catalog.article(art.doc_id)
        if entry and entry.get("content_hash") == art.content_hash:
            report.items.append(
                ItemResult(art.key, "unchanged", art.title, art.doc_id, entry.get("n_chunks") or 0)
            )
            continue
        twin = catalog.by_hash(art.content_hash) or hashes_in_run.get(art.content_hash)
        if twin and twin != art.doc_id:
            report.items.append(
                ItemResult(art.key, "duplicate", art.title, twin, reason=f"same text as {twin}")
            )
            seen.add(twin)
            continue
        hashes_in_run[art.content_hash] = art.doc_id
        story = stories.story_of(art.text, art.doc_id)
        if story and not earlier(art.published_at, stories.published_at(story)):
            copies.append(_article_row(origin, art, [], story_id=story))
            report.items.append(
                ItemResult(art.key, "copy", art.title, art.doc_id, reason=f"wire copy of {story}")
            )
            continue
        if story:  # an earlier copy of a story: it becomes the story, with its text and date
            _demote(story, art.doc_id, stories, to_embed, copies, demoted, report)
        stories.add(art.doc_id, art.text, art.published_at)
        to_embed.append((origin, art, chunk_article(art, chunk_size, chunk_overlap)))

    total = sum(len(c) for _, _, c in to_embed)
    done = 0
    if progress:
        progress(0, total, "embedding")
    # Embed and commit in batches, so an interruption keeps all that was already written.
    batch: list[tuple[str, Article, list[Chunk]]] = []
    for item in to_embed:
        batch.append(item)
        if sum(len(c) for _, _, c in batch) >= batch_chunks:
            done = _commit(batch, store, catalog, embedder, report, done, total, progress, demoted)
            batch = []
    if batch:
        done = _commit(batch, store, catalog, embedder, report, done, total, progress, demoted)
    report.embedded_chunks = done
    if copies:
        catalog.begin({row["doc_id"]: [] for row in copies})
        store.delete(catalog.commit(copies, [], np.zeros((0, store.dimension), np.float32)))
        catalog.finish([row["doc_id"] for row in copies])
    _remove_missing(got, seen, store, catalog, report)
    report.seconds = time.perf_counter() - t0
    return report


def _demote(
    story: str,
    new_story: str,
    stories: Stories,
    to_embed: list[tuple[str, Article, list[Chunk]]],
    copies: list[dict[str, Any]],
    demoted: dict[str, list[dict[str, Any]]],
    report: IngestReport,
) -> None:
    """Make `story` (stored, or still to embed in this run) and its copies copies of
    `new_story`. A stored story's rows go in `demoted`, committed in one transaction with the
    new story's own (_commit): at no instant are there two stories, or none."""
    pending = [item for item in to_embed if item[1].doc_id == story]
    if pending:
        to_embed.remove(pending[0])
        stories.forget(story)
        origin, old, _ = pending[0]
        copies.append(_article_row(origin, old, [], story_id=new_story))
        why = f"wire copy of {new_story}, dated earlier"
        report.items.append(ItemResult(old.key, "copy", old.title, story, reason=why))
        # What that story displaced now waits for the new one.
        demoted.setdefault(new_story, []).extend(demoted.pop(story, []))
    else:
        demoted.setdefault(new_story, []).extend(stories.demote(story, new_story))
    for row in [*copies, *(r for rows in demoted.values() for r in rows)]:
        if row["story_id"] == story:
            row["story_id"] = new_story


def _article_row(
    origin: str, art: Article, chunks: list[Chunk], story_id: str | None = None
) -> dict[str, Any]:
    return {
        "story_id": story_id,
        # A copy keeps its own text (it has no chunks), so it can stand alone if its story goes.
        "text": art.text if story_id else None,
        "doc_id": art.doc_id,
        "key": art.key,
        "origin": origin,
        "title": art.title,
        "source": art.source,
        "url": art.url,
        "path": art.path,
        "published_at": art.published_at,
        "author": str(art.extra.get("author") or "") or None,
        "category": str(art.extra.get("category") or "") or None,
        "content_hash": art.content_hash,
        "n_chunks": len(chunks),
        "chars": len(art.text),
        "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def _commit(
    batch: list[tuple[str, Article, list[Chunk]]],
    store: ChunkStore,
    catalog: Catalog,
    embedder: Embedder,
    report: IngestReport,
    done: int,
    total: int,
    progress: Progress | None,
    demoted: dict[str, list[dict[str, Any]]],
) -> int:
    all_chunks = [c for _, _, chunks in batch for c in chunks]
    vectors = (
        embedder.embed([embed_text(c) for c in all_chunks])
        if all_chunks
        else np.zeros((0, store.dimension), dtype=np.float32)
    )
    replaced = {art.doc_id for _, art, _ in batch if catalog.article(art.doc_id)}
    # Stories an article of the batch displaces become its copies in the same transaction.
    displaced = [r for _, art, _ in batch for r in demoted.get(art.doc_id, [])]
    catalog.begin(
        {art.doc_id: [c.id for c in chunks] for _, art, chunks in batch}
        | {r["doc_id"]: [] for r in displaced}
    )
    store.add(all_chunks, vectors)
    rows = [_article_row(origin, art, chunks) for origin, art, chunks in batch]
    stale = catalog.commit([*rows, *displaced], all_chunks, vectors)
    store.delete(stale)
    catalog.finish([r["doc_id"] for r in [*rows, *displaced]])
    for _, art, chunks in batch:
        status = "replaced" if art.doc_id in replaced else "indexed"
        report.items.append(ItemResult(art.key, status, art.title, art.doc_id, len(chunks)))
    done += len(all_chunks)
    if progress:
        progress(done, total, "embedding")
    return done


def embed_text(chunk: Chunk) -> str:
    """What the vector sees: the title and source give a passage its context."""
    head = " | ".join(x for x in (chunk.title, chunk.source) if x)
    return f"{head}\n{chunk.text}" if head else chunk.text


def _under(origin: str, roots: list[str]) -> bool:
    return any(origin == r or origin.startswith(r.rstrip("/") + "/") for r in roots)


def _remove_missing(
    got: _Gathered, seen: set[str], store: ChunkStore, catalog: Catalog, report: IngestReport
) -> None:
    gone = []
    for entry in catalog.articles():
        origin = str(entry.get("origin") or "")
        if entry["doc_id"] in seen or not origin or not _under(origin, got.roots):
            continue
        if origin in got.unread:
            report.items.append(
                ItemResult(
                    entry.get("key") or entry["doc_id"],
                    "kept",
                    entry.get("title") or "",
                    entry["doc_id"],
                    reason=f"{origin} could not be read this time; its articles "
                    "stay indexed until it can be (or `assistant forget` them).",
                )
            )
            continue
        gone.append(entry)
    if gone:
        remove(catalog, store, [e["doc_id"] for e in gone])
        for e in gone:
            report.items.append(
                ItemResult(
                    e.get("key") or e["doc_id"], "removed", e.get("title") or "", e["doc_id"]
                )
            )


def remove(catalog: Catalog, store: ChunkStore, doc_ids: list[str]) -> None:
    """Delete articles: catalog first (with its write-ahead rows), then the vector store.

    The wire copies of a removed story go with it (they have no chunks of their own); the next
    ingest of their files or feeds indexes them again, the earliest as the story."""
    marks = ", ".join("?" * len(doc_ids))
    copies = [r["doc_id"] for r in catalog.articles(f"WHERE story_id IN ({marks})", doc_ids)]
    doc_ids = list(dict.fromkeys([*doc_ids, *copies]))
    stale = catalog.commit([], [], np.zeros((0, store.dimension), dtype=np.float32), doc_ids)
    store.delete(stale)
    catalog.finish(doc_ids)


def recover(catalog: Catalog, store: ChunkStore) -> list[str]:
    """Finish or roll back what a crash left half done; returns the affected doc ids."""
    todo = catalog.pending()
    for p in todo:
        if p.state == "adding":
            # The catalog never committed these: whatever reached the vector store goes.
            store.delete([i for i in p.new_ids if i not in set(catalog.chunk_ids(p.doc_id))])
        else:
            store.delete(p.old_ids)
    if todo:
        catalog.finish([p.doc_id for p in todo])
    return [p.doc_id for p in todo]


def forget(ref: str, store: ChunkStore, catalog: Catalog) -> dict[str, Any]:
    """Remove one article (by id, path, URL or exact title) and all its chunks."""
    doc_id = catalog.find(ref)
    if doc_id is None:
        raise AssistantError(
            f"No indexed article matches '{ref}'; run `assistant status` to list doc ids."
        )
    entry = catalog.article(doc_id) or {}
    remove(catalog, store, [doc_id])
    store.delete_doc(doc_id)  # belt and braces: no orphan chunk survives
    return {"doc_id": doc_id, "title": entry.get("title", ""), "chunks": entry.get("n_chunks", 0)}
