"""The Chroma collection of chunks (embedded or client/server)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import Chunk
from index.errors import AssistantError

# Chroma rejects batches larger than its max_batch_size (5461 on SQLite builds).
BATCH = 2000


def collection_name(embedding_model: str) -> str:
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", embedding_model).strip("-").lower()
    return f"chunks-{slug}"[:60]


def _json_safe(meta: dict[str, Any]) -> dict[str, Any]:
    # Chroma metadata values must be str/int/float/bool, never None.
    return {k: ("" if v is None else v) for k, v in meta.items()}


def read_legacy_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """The documents of a manifest.json written by earlier versions (migrated to the catalog)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data.get("documents", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def _chroma_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """A Chroma server that dies mid-write gives one line naming the setting, not a traceback."""

    @functools.wraps(method)
    def wrapped(self: ChunkStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except AssistantError:
            raise
        except Exception as err:
            if not self.host:
                raise
            raise AssistantError(
                f"The Chroma server at {self.where} failed ({type(err).__name__}); check that "
                "`chroma run` is up or fix ASSISTANT_CHROMA_HOST/ASSISTANT_CHROMA_PORT, then "
                "run the command again (nothing already indexed is lost)."
            ) from None

    return wrapped


class ChunkStore:
    """A Chroma collection holding chunk texts, metadata and our own embeddings.

    Chroma never computes embeddings here (its default would download an ONNX model).
    """

    def __init__(
        self,
        embedding_model: str,
        dimension: int,
        persist_dir: Path | None = None,
        host: str | None = None,
        port: int = 8000,
    ) -> None:
        from index.offline import go_offline

        go_offline()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        self.where = f"{host}:{port}" if host else str(persist_dir)
        self.host = host
        try:
            if host:
                self.client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
                self.client.heartbeat()
            else:
                assert persist_dir is not None
                persist_dir.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(
                    path=str(persist_dir), settings=chroma_settings
                )
        except AssistantError:
            raise
        except Exception as err:
            if host:
                raise AssistantError(
                    f"Cannot reach the Chroma server at {host}:{port} ({type(err).__name__}); "
                    "start it with `chroma run --path DIR --port N` or fix "
                    "ASSISTANT_CHROMA_HOST/ASSISTANT_CHROMA_PORT."
                ) from None
            raise AssistantError(
                f"Cannot open the Chroma store in {persist_dir} ({err}); check that the "
                "directory is writable or set ASSISTANT_HOME."
            ) from None
        self.embedding_model = embedding_model
        self.dimension = dimension
        self.collection = self.client.get_or_create_collection(
            name=collection_name(embedding_model),
            embedding_function=None,
            metadata={
                "hnsw:space": "cosine",
                "embedding_model": embedding_model,
                "dimension": dimension,
            },
        )
        built = (self.collection.metadata or {}).get("dimension")
        if built is not None and int(built) != dimension:
            raise AssistantError(
                f"Chroma collection '{self.collection.name}' holds {built}-d vectors but the "
                f"embedding model gives {dimension}-d; run `assistant reset` and re-ingest."
            )

    @_chroma_errors
    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        for i in range(0, len(chunks), BATCH):
            part = chunks[i : i + BATCH]
            self.collection.upsert(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                embeddings=embeddings[i : i + BATCH].astype(np.float32).tolist(),
                metadatas=[_json_safe(dict(c.metadata, start=c.start, end=c.end)) for c in part],
            )

    @_chroma_errors
    def delete(self, chunk_ids: Iterable[str]) -> None:
        ids = list(chunk_ids)
        for i in range(0, len(ids), BATCH):
            self.collection.delete(ids=ids[i : i + BATCH])

    @_chroma_errors
    def delete_doc(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    @_chroma_errors
    def count(self) -> int:
        return int(self.collection.count())

    @_chroma_errors
    def ids(self) -> set[str]:
        """Every chunk id in the collection (what `assistant doctor` compares)."""
        out: set[str] = set()
        total = self.count()
        for offset in range(0, total, BATCH):
            out.update(self.collection.get(include=[], limit=BATCH, offset=offset)["ids"])
        return out

    def close(self) -> None:
        """Let go of the embedded client, so that another process may open the directory."""
        if self.where and not self.host:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()

    @_chroma_errors
    def all(self) -> tuple[list[Chunk], np.ndarray]:
        """Every chunk with its embedding, in a stable order."""
        chunks: list[Chunk] = []
        vectors: list[np.ndarray] = []
        total = self.count()
        for offset in range(0, total, BATCH):
            got = self.collection.get(
                include=["documents", "metadatas", "embeddings"], limit=BATCH, offset=offset
            )
            embs: Any = got["embeddings"] if got["embeddings"] is not None else []
            for cid, text, meta_in, emb in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], embs, strict=False
            ):
                meta: dict[str, Any] = dict(meta_in or {})
                chunks.append(
                    Chunk(
                        id=cid,
                        doc_id=str(meta.get("doc_id", cid.split(":")[0])),
                        text=text or "",
                        start=int(meta.pop("start", 0)),
                        end=int(meta.pop("end", 0)),
                        metadata=meta,
                    )
                )
                vectors.append(np.asarray(emb, dtype=np.float32))
        order = sorted(range(len(chunks)), key=lambda i: _chunk_sort_key(chunks[i].id))
        chunks = [chunks[i] for i in order]
        matrix = (
            np.stack([vectors[i] for i in order])
            if vectors
            else np.zeros((0, self.dimension), dtype=np.float32)
        )
        return chunks, matrix

    @_chroma_errors
    def query(
        self, embedding: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunk ids by cosine similarity, through Chroma's own index (fewer than k
        when the collection holds fewer)."""
        # No count() first: at 1M chunks it cost 130 ms, the HNSW query itself 3-9 ms.
        if k <= 0:
            return []
        res = self.collection.query(
            query_embeddings=[embedding.astype(np.float32).tolist()],
            n_results=k,
            where=where or None,
            include=["distances"],
        )
        distances: Any = res["distances"] or [[]]
        ids = res["ids"][0] if res["ids"] else []
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances[0], strict=False)]

    def reset(self) -> None:
        self.client.delete_collection(self.collection.name)


def _chunk_sort_key(chunk_id: str) -> tuple[str, int]:
    doc, _, n = chunk_id.rpartition(":")
    return (doc, int(n) if n.isdigit() else 0)
