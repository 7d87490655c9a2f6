"""One data home: the SQLite catalog, the write lock, and the Chroma store opened only to write.

Single-writer design: any number of processes (the page, `assistant ask`, a feed watcher) read
the catalog at once; a write (ingest, forget, reset, repair) takes the home's lock file, opens
Chroma, writes in the crash-safe order of index.catalog, and closes Chroma again. A second
writer waits for the first (up to ASSISTANT_LOCK_TIMEOUT_S) instead of corrupting its files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.catalog import CATALOG_FILE, Catalog
from index.errors import AssistantError
from index.lock import write_lock
from index.store import ChunkStore, collection_name, read_legacy_manifest


@dataclass
class HomeConfig:
    home: Path
    embedding_model: str
    dimension: int
    chroma_host: str | None = None
    chroma_port: int = 8000
    lock_timeout_s: float = 600.0

    @property
    def catalog_path(self) -> Path:
        return self.home / CATALOG_FILE

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def legacy_manifest(self) -> Path:
        return self.home / "manifest.json"


class DataHome:
    """The catalog (opened on first use) and writes to the vector store under the lock."""

    def __init__(self, config: HomeConfig) -> None:
        self.config = config
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            cfg = self.config
            self._catalog = Catalog(cfg.catalog_path, cfg.embedding_model)
            if cfg.legacy_manifest.exists():
                self._migrate()
        return self._catalog

    def open_store(self) -> ChunkStore:
        cfg = self.config
        return ChunkStore(
            cfg.embedding_model, cfg.dimension, cfg.chroma_dir, cfg.chroma_host, cfg.chroma_port
        )

    @contextmanager
    def writing(
        self, what: str, recover_first: bool = True
    ) -> Iterator[tuple[Catalog, ChunkStore]]:
        """Hold the write lock with the vector store open; finish any crashed write first."""
        from index.ingest import recover

        with write_lock(self.config.home, self.config.lock_timeout_s, what):
            catalog = self.catalog
            store = self.open_store()
            try:
                if recover_first:
                    recover(catalog, store)
                yield catalog, store
            finally:
                store.close()

    def _migrate(self) -> None:
        """Move a manifest.json home (earlier versions) into the catalog, vectors included."""
        assert self._catalog is not None
        cfg = self.config
        with write_lock(cfg.home, cfg.lock_timeout_s, "migrate"):
            if not cfg.legacy_manifest.exists():
                return  # another process migrated it while we waited
            docs = read_legacy_manifest(cfg.legacy_manifest)
            store = self.open_store()
            try:
                chunks, vectors = store.all()
            finally:
                store.close()
            rows = []
            for doc_id, e in docs.items():
                row = {k: e.get(k) for k in ("key", "origin", "title", "source", "url", "path")}
                row.update(
                    doc_id=doc_id,
                    published_at=e.get("published_at"),
                    content_hash=e.get("content_hash"),
                    n_chunks=e.get("n_chunks"),
                    chars=e.get("chars"),
                    ingested_at=e.get("ingested_at"),
                )
                rows.append(row)
            keep = [i for i, c in enumerate(chunks) if c.doc_id in docs]
            self._catalog.commit(rows, [chunks[i] for i in keep], vectors[keep])
            self._catalog.finish(list(docs))
            cfg.legacy_manifest.rename(cfg.legacy_manifest.with_suffix(".json.migrated"))

    def reset(self) -> None:
        """Delete everything under the home that holds the index, whatever state it is in."""
        cfg = self.config
        with write_lock(cfg.home, cfg.lock_timeout_s, "reset"):
            if self._catalog is not None:
                self._catalog.close()
                self._catalog = None
            for suffix in ("", "-wal", "-shm"):
                Path(f"{cfg.catalog_path}{suffix}").unlink(missing_ok=True)
            for p in (
                cfg.legacy_manifest,
                cfg.legacy_manifest.with_suffix(".json.migrated"),
                cfg.home / "lexicon.npz",
            ):
                p.unlink(missing_ok=True)
            if cfg.chroma_host:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                client = chromadb.HttpClient(
                    host=cfg.chroma_host,
                    port=cfg.chroma_port,
                    settings=ChromaSettings(anonymized_telemetry=False),
                )
                try:
                    client.delete_collection(collection_name(cfg.embedding_model))
                except Exception as err:  # a missing collection is already reset
                    if "does not exist" not in str(err).lower():
                        raise
            else:
                shutil.rmtree(cfg.chroma_dir, ignore_errors=True)

    def doctor(self, repair: bool = False) -> dict[str, Any]:
        """Compare the catalog with the vector store; with repair, make them agree without
        re-embedding anything the catalog still holds."""
        cfg = self.config
        report: dict[str, Any] = {"problems": [], "repaired": []}
        try:
            catalog = self.catalog
            integrity = catalog.integrity()
        except AssistantError as err:
            if "built with embeddings" in str(err) or not repair:
                report["problems"].append(str(err))
                return report
            report["problems"].append(str(err))
            self._rebuild_catalog_from_store()
            report["repaired"].append("rebuilt the catalog from the vector store")
            return report
        if integrity != "ok":
            report["problems"].append(f"catalog integrity check: {integrity}")
        pending = catalog.pending()
        with self.writing("doctor", recover_first=repair) as (cat, store):
            if pending:
                report["problems"].append(f"{len(pending)} unfinished write(s) from a crash")
            in_catalog = cat.all_chunk_ids()
            in_store = store.ids()
            orphans = sorted(in_store - in_catalog)
            missing = sorted(in_catalog - in_store)
            report.update(
                articles=cat.count_articles(),
                chunks=len(in_catalog),
                vector_store_chunks=len(in_store),
                orphans=len(orphans),
                missing=len(missing),
            )
            if orphans:
                report["problems"].append(f"{len(orphans)} chunk(s) in Chroma not in the catalog")
            if missing:
                report["problems"].append(f"{len(missing)} catalog chunk(s) missing from Chroma")
            if repair:
                if pending:
                    report["repaired"].append(f"finished {len(pending)} crashed write(s)")
                if orphans:
                    store.delete(orphans)
                    report["repaired"].append(f"deleted {len(orphans)} orphan chunk(s)")
                if missing:
                    chunks, vectors = cat.load_chunks(dimension=cfg.dimension)
                    want = set(missing)
                    keep = [i for i, c in enumerate(chunks) if c.id in want]
                    store.add([chunks[i] for i in keep], vectors[keep])
                    report["repaired"].append(
                        f"re-added {len(keep)} chunk(s) to Chroma from the catalog (no re-embedding)"
                    )
        report["ok"] = not report["problems"] or bool(repair and report["repaired"])
        return report

    def _rebuild_catalog_from_store(self) -> None:
        cfg = self.config
        with write_lock(cfg.home, cfg.lock_timeout_s, "repair"):
            broken = cfg.catalog_path.with_suffix(".sqlite3.broken")
            for suffix in ("", "-wal", "-shm"):
                src = Path(f"{cfg.catalog_path}{suffix}")
                if src.exists():
                    src.replace(Path(f"{broken}{suffix}"))
            self._catalog = None
            catalog = Catalog(cfg.catalog_path, cfg.embedding_model)
            store = self.open_store()
            try:
                chunks, vectors = store.all()
            finally:
                store.close()
            rows: dict[str, dict[str, Any]] = {}
            for c in chunks:
                m = c.metadata
                row = rows.setdefault(
                    c.doc_id,
                    {
                        "doc_id": c.doc_id,
                        "key": m.get("url") or m.get("path") or c.doc_id,
                        "origin": m.get("path") or m.get("url") or None,
                        "title": m.get("title"),
                        "source": m.get("source"),
                        "url": m.get("url") or None,
                        "path": m.get("path") or None,
                        "published_at": m.get("published_at") or None,
                        "content_hash": m.get("content_hash"),
                        "n_chunks": 0,
                        "chars": 0,
                    },
                )
                row["n_chunks"] += 1
                row["chars"] = max(row["chars"], c.end)
            catalog.commit(list(rows.values()), chunks, np.asarray(vectors, dtype=np.float32))
            catalog.finish(list(rows))
            self._catalog = catalog
