"""Incremental ingestion: new articles are embedded, unchanged ones skipped, changed ones
replaced, duplicates indexed once, and articles removed from a re-ingested folder deleted."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import Chunk, chunk_article
from index.embeddings import Embedder
from index.errors import AssistantError
from index.loaders import Article, is_url, iter_folder, load_file, load_url
from index.store import ChunkStore, Manifest

Progress = Callable[[int, int, str], None]


@dataclass
class ItemResult:
    """What happened to one article (or one input that could not be read)."""

    key: str
    status: str  # indexed | replaced | unchanged | duplicate | removed | rejected
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
        parts = [
            f"{self.count(s)} {s}"
            for s in ("indexed", "replaced", "unchanged", "duplicate", "removed", "rejected")
            if self.count(s)
        ]
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


def _gather(target: str, report: IngestReport) -> tuple[list[tuple[str, Article]], str | None]:
    """(origin, article) pairs for one target, and the folder/file whose removals we track."""
    if is_url(target):
        return [(target, a) for a in load_url(target)], None
    path = Path(target).expanduser()
    if not path.exists():
        raise AssistantError(f"No such file or folder: {target}; check the path (or give a URL).")
    if path.is_dir():
        out: list[tuple[str, Article]] = []
        for f in iter_folder(path):
            try:
                out.extend((str(f.resolve()), a) for a in load_file(f))
            except AssistantError as err:
                report.items.append(ItemResult(key=str(f), status="rejected", reason=str(err)))
        return out, str(path.resolve())
    return [(str(path.resolve()), a) for a in load_file(path)], str(path.resolve())


def ingest(
    targets: Iterable[str],
    store: ChunkStore,
    manifest: Manifest,
    embedder: Embedder,
    chunk_size: int = 256,
    chunk_overlap: int = 32,
    progress: Progress | None = None,
    batch_chunks: int = 256,
) -> IngestReport:
    """Index the targets; raise AssistantError only when a single named input is unusable."""
    t0 = time.perf_counter()
    report = IngestReport()
    targets = list(targets)
    pending: list[tuple[str, Article]] = []
    roots: list[str] = []
    seen_keys: set[str] = set()
    for target in targets:
        try:
            items, root = _gather(target, report)
        except AssistantError as err:
            if len(targets) == 1:
                raise
            report.items.append(ItemResult(key=target, status="rejected", reason=str(err)))
            continue
        pending.extend(items)
        if root:
            roots.append(root)

    with manifest.lock:
        to_embed: list[tuple[str, Article, list[Chunk]]] = []
        hashes_in_run: dict[str, str] = {}
        for origin, art in pending:
            seen_keys.add(art.doc_id)
            entry = manifest.documents.get(art.doc_id)
            if entry and entry.get("content_hash") == art.content_hash:
                report.items.append(
                    ItemResult(
                        art.key, "unchanged", art.title, art.doc_id, entry.get("n_chunks", 0)
                    )
                )
                continue
            twin = manifest.by_hash(art.content_hash) or hashes_in_run.get(art.content_hash)
            if twin and twin != art.doc_id:
                report.items.append(
                    ItemResult(art.key, "duplicate", art.title, twin, reason=f"same text as {twin}")
                )
                seen_keys.add(twin)
                continue
            hashes_in_run[art.content_hash] = art.doc_id
            chunks = chunk_article(art, chunk_size, chunk_overlap)
            to_embed.append((origin, art, chunks))

        total = sum(len(c) for _, _, c in to_embed)
        done = 0
        if progress:
            progress(0, total, "embedding")
        # Embed and commit article by article (in batches), so an interruption keeps all that
        # was already written and the manifest never names chunks that are not in Chroma.
        batch: list[tuple[str, Article, list[Chunk]]] = []
        for item in to_embed:
            batch.append(item)
            if sum(len(c) for _, _, c in batch) >= batch_chunks:
                done = _commit(batch, store, manifest, embedder, report, done, total, progress)
                batch = []
        if batch:
            done = _commit(batch, store, manifest, embedder, report, done, total, progress)
        report.embedded_chunks = done

        removed = _remove_missing(roots, seen_keys, store, manifest, report)
        if removed:
            manifest.save()
    report.seconds = time.perf_counter() - t0
    return report


def _commit(
    batch: list[tuple[str, Article, list[Chunk]]],
    store: ChunkStore,
    manifest: Manifest,
    embedder: Embedder,
    report: IngestReport,
    done: int,
    total: int,
    progress: Progress | None,
) -> int:
    all_chunks = [c for _, _, chunks in batch for c in chunks]
    vectors = (
        embedder.embed([embed_text(c) for c in all_chunks]) if all_chunks else np.zeros((0, 1))
    )
    for _origin, art, _chunks in batch:
        old = manifest.documents.get(art.doc_id)
        if old:
            store.delete(old.get("chunk_ids", []))
    store.add(all_chunks, vectors)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for origin, art, chunks in batch:
        replaced = art.doc_id in manifest.documents
        manifest.documents[art.doc_id] = {
            "key": art.key,
            "origin": origin,
            "title": art.title,
            "source": art.source,
            "url": art.url,
            "path": art.path,
            "published_at": art.published_at,
            "content_hash": art.content_hash,
            "chunk_ids": [c.id for c in chunks],
            "n_chunks": len(chunks),
            "chars": len(art.text),
            "ingested_at": now,
        }
        status = "replaced" if replaced else "indexed"
        report.items.append(ItemResult(art.key, status, art.title, art.doc_id, len(chunks)))
    manifest.save()
    done += len(all_chunks)
    if progress:
        progress(done, total, "embedding")
    return done


def embed_text(chunk: Chunk) -> str:
    """What the vector sees: the title and source give a passage its context."""
    head = " | ".join(x for x in (chunk.title, chunk.source) if x)
    return f"{head}\n{chunk.text}" if head else chunk.text


def _remove_missing(
    roots: list[str],
    seen: set[str],
    store: ChunkStore,
    manifest: Manifest,
    report: IngestReport,
) -> int:
    removed = 0
    for doc_id, entry in list(manifest.documents.items()):
        origin = str(entry.get("origin") or "")
        if doc_id in seen or not origin:
            continue
        if any(origin == r or origin.startswith(r.rstrip("/") + "/") for r in roots):
            store.delete(entry.get("chunk_ids", []))
            del manifest.documents[doc_id]
            report.items.append(
                ItemResult(entry.get("key", doc_id), "removed", entry.get("title", ""), doc_id)
            )
            removed += 1
    return removed


def forget(ref: str, store: ChunkStore, manifest: Manifest) -> dict[str, Any]:
    """Remove one article (by id, path, URL or exact title) and all its chunks."""
    with manifest.lock:
        doc_id = manifest.find(ref)
        if doc_id is None:
            raise AssistantError(
                f"No indexed article matches '{ref}'; run `assistant status` to list doc ids."
            )
        entry = manifest.documents.pop(doc_id)
        store.delete(entry.get("chunk_ids", []))
        store.delete_doc(doc_id)  # belt and braces: no orphan chunk survives
        manifest.save()
    return {"doc_id": doc_id, "title": entry.get("title", ""), "chunks": entry.get("n_chunks", 0)}
