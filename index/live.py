"""The in-memory retrieval index of a data home, kept up to date incrementally.

It reads the SQLite catalog, never Chroma. When the catalog's generation moves (this process or
another committed a change), it loads only the chunks added since and drops the tombstoned ones;
token counts come from the lexicon cache (index.lexicon), so only new chunks are tokenized. The
dense side is the catalog's vectors in one matrix, scored exactly; from HybridIndex.ann_above
chunks on, with a Chroma server (which many processes may query), the nearest vectors come from
the server's HNSW instead. The embedded Chroma is left to the writer: it is not safe to open
from two processes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.embeddings import Embedder
from index.home import DataHome
from index.lexicon import Lexicon
from index.retrieval import HybridIndex
from index.retrieval_config import RetrievalConfig
from index.store import ChunkStore


class LiveIndex:
    """`current()` is the HybridIndex of the catalog's latest generation."""

    def __init__(
        self,
        home: DataHome,
        embedder: Callable[[], Embedder],
        config: RetrievalConfig | None = None,
    ) -> None:
        self.home = home
        self.embedder = embedder
        self.config = config  # passed on to each HybridIndex (None: the tuned defaults)
        self.index: HybridIndex | None = None
        self.version: tuple[str, int] = ("", -1)
        self._lexicon: Lexicon | None = None
        self._store: ChunkStore | None = None
        self._unsaved = 0  # chunks tokenized since the lexicon file was written

    @property
    def lexicon_path(self) -> Path:
        return self.home.config.home / "lexicon.npz"

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon.load(self.lexicon_path)
        return self._lexicon

    def current(self) -> HybridIndex:
        catalog = self.home.catalog
        version = catalog.version
        if self.index is not None and version == self.version:
            return self.index
        dim = self.home.config.dimension
        epoch, gen = self.version
        known = len(self.lexicon.terms)
        if self.index is None or version[0] != epoch:  # first load, or the home was reset
            chunks, vectors = catalog.load_chunks(dimension=dim)
            counts = self.lexicon.counts([(c.id, HybridIndex.index_text(c)) for c in chunks])
            self.index = HybridIndex(
                chunks, vectors, self.embedder(), config=self.config, token_counts=counts,
                also_sources=catalog.copy_sources(),
            )  # fmt: skip
            self._unsaved = len(self.lexicon.terms) - known
        else:
            # Only the added chunks are read, tokenized and turned into columns; the kept rows
            # are taken whole from the current index (HybridIndex.updated).
            gone = catalog.tombstones_since(gen)
            added, added_vecs = catalog.load_chunks(since_gen=gen, dimension=dim)
            new_ids = {c.id for c in added}
            old = self.index
            drop = gone | new_ids
            keep = np.arange(len(old.chunks))
            if drop:
                keep = np.flatnonzero([c.id not in drop for c in old.chunks])
            self.lexicon.forget(gone)  # a re-added id may hold new text: tokenized again
            added_counts = self.lexicon.counts([(c.id, HybridIndex.index_text(c)) for c in added])
            self.index = old.updated(keep, added, added_vecs, added_counts, catalog.copy_sources())
            self._unsaved += len(self.lexicon.terms) - known
        chunks = self.index.chunks
        cfg = self.home.config
        if cfg.chroma_host and len(chunks) >= HybridIndex.ann_above:
            if self._store is None:
                self._store = ChunkStore(
                    cfg.embedding_model, cfg.dimension, host=cfg.chroma_host, port=cfg.chroma_port
                )
            self.index.ann = self._store.query
        self.version = version
        # Rewriting the whole file for one article cost ~1 s at 100k chunks: it is rewritten
        # once the chunks it lacks reach 2% (a new process tokenizes at most those).
        if self._unsaved > 0 and (known == 0 or self._unsaved >= 0.02 * len(chunks)):
            # A read-only home: the next start tokenizes again, nothing is lost.
            with contextlib.suppress(OSError):
                self.lexicon.save(self.lexicon_path)
            self._unsaved = 0
        return self.index
