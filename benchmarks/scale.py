"""How retrieval cost grows: 10k, 100k and 1M chunks built from the MultiHop-RAG chunks.

Each size is the 8,302 real chunks with their real MiniLM vectors plus perturbed copies: the
copy's sentences shuffled (same words, so the same BM25 counts) and its vector moved by small
Gaussian noise (cosine about 0.97 to the original), so that ranking stays meaningful; random
vectors would make any recall figure meaningless. Per size: index build time, retrieval p50/p99
over MultiHop-RAG dev questions (question encoding and sub-queries included, the shipped
configuration), Hits@10 / MRR@10 / FactRecall@10 on the same questions, resident memory, and,
up to --catalog-max, the catalog on disk and the process start-up (catalog -> ready index).

    .venv/bin/python benchmarks/scale.py --sizes 10000,100000 --queries 200
    .venv/bin/python benchmarks/scale.py --sizes 1000000 --queries 100     # ~15 min, ~8 GB
    .venv/bin/python benchmarks/scale.py --sizes 100000 --hnsw-max 100000 --update
    # 1M into Chroma once (about an hour on 2 cores), kept and reused by later runs:
    nice -n 10 .venv/bin/python benchmarks/scale.py --sizes 1000000 --hnsw-max 1000000 \
        --chroma-dir /tmp/scale-chroma --chroma-build-only > /tmp/scale-chroma/build.log
    .venv/bin/python benchmarks/scale.py --sizes 1000000 --queries 50 --hnsw-max 1000000 \
        --chroma-dir /tmp/scale-chroma
"""

# ruff: noqa: E402  (numpy is imported after quiet_blas_threads, which must come first)
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index import quiet_blas_threads

quiet_blas_threads()  # before numpy loads OpenBLAS, as the product's entry points do

import numpy as np

from benchmarks.multihop_retrieval import load_corpus_index, load_queries
from index.catalog import Catalog
from index.chunking import Chunk
from index.embeddings import bundled_embedder
from index.lexicon import Lexicon, TermCounts
from index.retrieval import HybridIndex, RetrievalConfig

_SENT = re.compile(r"(?<=[.!?])\s+")


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def grow(
    chunks: list[Chunk], emb: np.ndarray, counts: TermCounts, size: int, seed: int = 0
) -> tuple[list[Chunk], np.ndarray, TermCounts]:
    """The first `size` chunks of base + perturbed copies, deterministically."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    n = len(chunks)
    out, vecs = list(chunks[:size]), [emb[: min(size, n)]]
    copy = 0
    while len(out) < size:
        copy += 1
        take = min(n, size - len(out))
        for c in chunks[:take]:
            parts = _SENT.split(c.text)
            rng.shuffle(parts)
            out.append(
                Chunk(
                    id=f"{c.id}~{copy}",
                    doc_id=f"{c.doc_id}~{copy}",
                    text=" ".join(parts),
                    start=c.start,
                    end=c.end,
                    metadata=c.metadata,
                )
            )
        noisy = emb[:take] + nrng.normal(0, 0.012, size=(take, emb.shape[1])).astype(np.float32)
        vecs.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    # Shuffled sentences keep every token: the copies' counts are the originals', tiled.
    reps = -(-size // n)
    per_doc = np.bincount(counts.rows, minlength=n)
    offsets = np.r_[0, np.cumsum(per_doc)]
    rows, cols, tfs = [], [], []
    for r in range(reps):
        take = min(n, size - r * n)
        end = offsets[take]
        rows.append(counts.rows[:end] + r * n)
        cols.append(counts.cols[:end])
        tfs.append(counts.tfs[:end])
    tiled = TermCounts(
        counts.vocab, np.concatenate(rows), np.concatenate(cols), np.concatenate(tfs), size
    )
    return out, np.concatenate(vecs).astype(np.float32), tiled


def measure(idx: HybridIndex, queries: list[dict], cfg: RetrievalConfig) -> dict[str, float]:
    from assistant.retrieval_metrics import RetrievalScores

    lat, cpu, scores = [], [], RetrievalScores()
    idx._sent_cache.clear()  # each run starts as cold as the first: A/B runs compare fairly
    # The embedder keeps the vectors of its latest encodes: without this, every run after the
    # first (the HNSW rows) reused the exact row's question vectors and left the encode out.
    getattr(idx.embedder, "_recent", {}).clear()
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        hits = idx.search(q["query"], 10, None, config=cfg)
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        scores.add([h.chunk.text for h in hits], [e["fact"] for e in q["evidence_list"]])
    lat.sort()
    m = scores.means()
    return {
        "p50_ms": statistics.median(lat),
        "p99_ms": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        # CPU of this process per question: comparable across runs on a shared machine.
        "cpu_ms": statistics.median(cpu),
        "load": os.getloadavg()[0],
        **{k: m[k] for k in ("hits@10", "mrr@10", "fact_recall@10")},
    }


def chroma_store(chunks: list[Chunk], vecs: np.ndarray, where: Path) -> tuple[Any, float]:
    """The embedded Chroma collection of these chunks under `where`, built once: a collection
    already holding them all is reused, a partial one (an interrupted build) is resumed. Returns
    (store, seconds the build took in total, from the record beside it)."""
    from index.store import BATCH, ChunkStore

    path = where / f"chroma-{len(chunks)}"
    record = where / f"chroma-{len(chunks)}.json"
    store = ChunkStore("all-MiniLM-L6-v2", 384, persist_dir=path)
    done = json.loads(record.read_text()) if record.exists() else {"build_s": 0.0, "parts": []}
    have = store.count()
    if have >= len(chunks):
        print(f"{len(chunks):>9} HNSW: reusing {path} ({have} chunks)", flush=True)
        return store, float(done["build_s"])
    start = have - have % BATCH  # upserts: redoing the last partial batch is harmless
    t0 = t = time.perf_counter()
    step = 20 * BATCH
    for i in range(start, len(chunks), step):
        store.add(chunks[i : i + step], vecs[i : i + step])
        now = time.perf_counter()
        if (i + step) % 50_000 < step or i + step >= len(chunks):
            print(
                f"  chroma {min(i + step, len(chunks)):>9}/{len(chunks)}: {now - t0:7.0f} s, "
                f"last {step} in {now - t:.1f} s, load {os.getloadavg()[0]:.1f}, "
                f"RSS {rss_mib():.0f} MiB",
                flush=True,
            )
        t = now
    part = {"from": start, "s": time.perf_counter() - t0, "load": os.getloadavg()[0]}
    done["parts"].append(part)
    done["build_s"] = float(done["build_s"]) + part["s"]
    record.write_text(json.dumps(done))
    return store, float(done["build_s"])


def hnsw(
    idx: HybridIndex,
    queries: list[dict],
    cfg: RetrievalConfig,
    embedder: Any,
    where: Path,
    ks: list[int],
    server: str | None = None,
) -> None:
    """Chroma's own HNSW (embedded, as `ChunkStore.query` serves it, or a `chroma run` server
    holding the collection built under `where`) against exact scoring on the same index: build
    time, query time, recall of the exact nearest, and the retrieval figures with the vector
    side taken from the HNSW."""
    if server:  # the product's path past ann_above: a reader asks the server
        from index.store import ChunkStore

        host, _, port = server.rpartition(":")
        store: Any = ChunkStore("all-MiniLM-L6-v2", 384, host=host, port=int(port))
        assert store.count() >= len(idx), f"the server at {server} lacks the {len(idx)} chunks"
        record = where / f"chroma-{len(idx)}.json"
        build = json.loads(record.read_text())["build_s"] if record.exists() else float("nan")
        print(f"{len(idx):>9} HNSW (Chroma server {server}): built in {build:.0f} s", flush=True)
    else:
        store, build = chroma_store(idx.chunks, idx.embeddings, where)
        print(f"{len(idx):>9} HNSW (Chroma embedded): built in {build:.0f} s", flush=True)
    for k in ks:
        idx.ann_k = k
        hnsw_run(idx, queries, cfg, embedder, store)
    store.close()


def hnsw_run(
    idx: HybridIndex, queries: list[dict], cfg: RetrievalConfig, embedder: Any, store: Any
) -> None:
    lat, rec10, reck, gap10 = [], [], [], []
    for q in queries:
        vec = embedder.embed_query(q["query"])
        sims = idx.embeddings @ vec
        top = np.argpartition(-sims, idx.ann_k - 1)[: idx.ann_k]
        exact = top[np.argsort(-sims[top], kind="stable")]
        t = time.perf_counter()
        got = store.query(vec, idx.ann_k)
        lat.append((time.perf_counter() - t) * 1000)
        ids = [cid for cid, _ in got]
        truth = [idx.chunks[i].id for i in exact]
        rec10.append(len(set(ids[:10]) & set(truth[:10])) / 10)
        reck.append(len(set(ids) & set(truth)) / len(truth))
        # The copies of one chunk lie within ~0.01 cosine of each other, so which copy comes
        # back says little: how far the HNSW's 10th cosine falls below the exact 10th does.
        gap10.append(float(sims[exact[9]]) - (got[9][1] if len(got) > 9 else 0.0))
    print(
        f"{len(idx):>9} HNSW k={idx.ann_k}: query p50 {statistics.median(lat):.1f} ms, "
        "recall of the exact nearest "
        f"@10 {statistics.mean(rec10):.3f} @{idx.ann_k} {statistics.mean(reck):.3f}; its 10th "
        f"cosine below the exact 10th by {statistics.mean(gap10):.4f} on average",
        flush=True,
    )
    idx.ann, above = store.query, idx.ann_above
    idx.ann_above = 0
    m = measure(idx, queries, cfg)
    idx.ann, idx.ann_above = None, above
    print(
        f"{len(idx):>9} retrieval with the HNSW vector side: p50 {m['p50_ms']:.1f} ms p99 "
        f"{m['p99_ms']:.1f} ms, hits@10 {m['hits@10']:.4f} mrr@10 {m['mrr@10']:.4f} "
        f"facts@10 {m['fact_recall@10']:.4f} (exact: the row above); CPU {m['cpu_ms']:.1f} "
        f"ms a question, median; load {m['load']:.1f}; RSS {rss_mib():.0f} MiB",
        flush=True,
    )


def one_article_update(
    home: Path, base: list[Chunk], emb: np.ndarray, queries: list[dict], embedder: Any
) -> tuple[float, float, float]:
    """(usual question ms, ms of the question right after one article is added, ms of the
    index update alone): another writer commits the article, this reader's LiveIndex follows."""
    from index.home import DataHome, HomeConfig
    from index.live import LiveIndex

    live = LiveIndex(DataHome(HomeConfig(home, "all-MiniLM-L6-v2", 384)), lambda: embedder)
    live.current()
    usual: list[float] = []
    after: list[float] = []
    update: list[float] = []
    update_cpu: list[float] = []
    doc = base[0].doc_id
    article = [c for c in base if c.doc_id == doc]
    vecs = emb[: len(article)]
    for n, q in enumerate(queries[:10]):
        t = time.perf_counter()
        live.current().search(q["query"], 10)
        usual.append((time.perf_counter() - t) * 1000)
        writer = Catalog(home / "catalog.sqlite3", "all-MiniLM-L6-v2")
        fresh = [
            Chunk(
                f"new{n}:{i}", f"new{n}", c.text, c.start, c.end, dict(c.metadata, doc_id=f"new{n}")
            )
            for i, c in enumerate(article)
        ]
        writer.commit([{"doc_id": f"new{n}", "title": fresh[0].title}], fresh, vecs)
        writer.close()
        t, cpu = time.perf_counter(), time.process_time()
        live.current()
        update.append((time.perf_counter() - t) * 1000)
        update_cpu.append((time.process_time() - cpu) * 1000)
        live.current().search(q["query"], 10)
        after.append((time.perf_counter() - t) * 1000)
    print(f"index update CPU ms (median of 10): {statistics.median(update_cpu):.0f}", flush=True)
    return statistics.median(usual), statistics.median(after), statistics.median(update)


def startup(chunks: list[Chunk], emb: np.ndarray, where: Path) -> tuple[float, float, float]:
    """(seconds to write the catalog, its MiB on disk, seconds from open to a ready index)."""
    from index.home import DataHome, HomeConfig
    from index.live import LiveIndex

    home = where / f"home-{len(chunks)}"
    t = time.perf_counter()
    catalog = Catalog(home / "catalog.sqlite3", "all-MiniLM-L6-v2")
    for i in range(0, len(chunks), 20_000):
        catalog.commit([], chunks[i : i + 20_000], emb[i : i + 20_000])
    catalog.close()
    t_write = time.perf_counter() - t
    embedder = bundled_embedder("fp32")
    LiveIndex(DataHome(HomeConfig(home, "all-MiniLM-L6-v2", 384)), lambda: embedder).current()
    t = time.perf_counter()  # the second start is the usual one: the lexicon cache exists
    LiveIndex(DataHome(HomeConfig(home, "all-MiniLM-L6-v2", 384)), lambda: embedder).current()
    t_start = time.perf_counter() - t
    mib = sum(p.stat().st_size for p in home.iterdir() if p.is_file()) / 2**20
    return t_write, mib, t_start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated chunk counts")
    ap.add_argument("--queries", type=int, default=200, help="MultiHop-RAG dev questions")
    ap.add_argument("--catalog-max", type=int, default=100_000, help="largest size written to disk")
    ap.add_argument(
        "--hnsw-max", type=int, default=0, help="largest size also built into Chroma's HNSW"
    )
    ap.add_argument("--ann-k", default="200,1000", help="HNSW neighbours asked, comma-separated")
    ap.add_argument(
        "--update", action="store_true", help="time a question right after one article is added"
    )
    ap.add_argument(
        "--chroma-dir",
        type=Path,
        help="keep the Chroma collections here and reuse them (default: a temporary directory)",
    )
    ap.add_argument(
        "--chroma-server",
        metavar="HOST:PORT",
        help="query this `chroma run` server (serving the collection built in --chroma-dir) "
        "instead of the embedded store",
    )
    ap.add_argument(
        "--chroma-build-only",
        action="store_true",
        help="only build (or resume) the Chroma collections up to --hnsw-max in --chroma-dir",
    )
    args = ap.parse_args()
    base, emb = load_corpus_index()
    lex = Lexicon()
    counts = lex.counts([(c.id, HybridIndex.index_text(c)) for c in base])
    if args.chroma_build_only:
        assert args.chroma_dir, "--chroma-build-only needs --chroma-dir"
        args.chroma_dir.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            if size <= args.hnsw_max:
                chunks, vecs, _ = grow(base, emb, counts, size)
                store, build = chroma_store(chunks, vecs, args.chroma_dir)
                print(f"{size:>9} HNSW (Chroma embedded): built in {build:.0f} s", flush=True)
                store.close()
        return
    import torch

    torch.set_num_threads(1)  # as the product encodes questions
    queries = load_queries(None, args.queries, 1)
    embedder = bundled_embedder("fp32")
    cfg = RetrievalConfig()
    print(f"base: {len(base)} MultiHop-RAG chunks; {len(queries)} dev questions (sample seed 1)")
    head = f"{'chunks':>9} {'build s':>8} {'p50 ms':>7} {'p99 ms':>7} {'hits@10':>8} {'mrr@10':>7}"
    print(head + f" {'facts@10':>8} {'RSS MiB':>8} {'disk MiB':>9} {'write s':>8} {'start s':>8}")
    updates: list[tuple[int, float, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            chunks, vecs, tiled = grow(base, emb, counts, size)
            t = time.perf_counter()
            idx = HybridIndex(chunks, vecs, embedder, token_counts=tiled)
            t_build = time.perf_counter() - t
            m = measure(idx, queries, cfg)
            rss = rss_mib()
            disk = write = start = float("nan")
            if size <= args.catalog_max:
                write, disk, start = startup(chunks, vecs, Path(tmp))
            print(
                f"{size:>9} {t_build:8.1f} {m['p50_ms']:7.1f} {m['p99_ms']:7.1f} "
                f"{m['hits@10']:8.4f} {m['mrr@10']:7.4f} {m['fact_recall@10']:8.4f} "
                f"{rss:8.0f} {disk:9.0f} {write:8.1f} {start:8.1f}  "
                f"(CPU {m['cpu_ms']:.1f} ms a question, median; load {m['load']:.1f})",
                flush=True,
            )
            if size <= args.hnsw_max:
                ks = [int(k) for k in args.ann_k.split(",")]
                hnsw(
                    idx,
                    queries,
                    cfg,
                    embedder,
                    args.chroma_dir or Path(tmp),
                    ks,
                    args.chroma_server,
                )
            if size <= args.catalog_max and args.update:
                usual, after, update = one_article_update(
                    Path(tmp) / f"home-{size}", base, emb, queries, embedder
                )
                updates.append((size, usual, after, update))
            del idx, chunks, vecs, tiled
    for size, usual, after, update in updates:
        print(
            f"{size:>9} chunks + one article: the next question {after:.0f} ms against "
            f"{usual:.0f} ms usually (+{after - usual:.0f} ms; the index update {update:.0f} ms), "
            "median of 10"
        )


if __name__ == "__main__":
    main()
