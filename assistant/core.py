"""The Assistant: ingest articles, retrieve passages, answer with checked citations."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant.answer import REFUSAL, Answer, RefusalReason
from assistant.backends import Backend, make_backend
from assistant.chat import condense
from assistant.checking import checked_answer
from assistant.citations import CitationChecker
from assistant.direct import type_check
from assistant.extractive import rank_sentences
from assistant.progress import tqdm_progress
from assistant.refusal import out_of_range, refusal_reason
from assistant.settings import Settings
from index.embeddings import Embedder, OpenAIEmbedder, bundled_embedder
from index.errors import AssistantError
from index.home import DataHome, HomeConfig
from index.ingest import IngestReport, forget
from index.ingest import ingest as run_ingest
from index.live import LiveIndex
from index.retrieval import Filters, Hit, HybridIndex

if TYPE_CHECKING:
    from index.watch import FeedResult


class Assistant:
    """Question answering over the indexed news articles.

    >>> a = Assistant()                       # settings from ASSISTANT_* variables
    >>> a.ingest(["articles/"])               # files, folders, JSON/JSONL records, URLs
    >>> ans = a.ask("How many drones ...?")    # Answer with [n] markers and citations
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._lock = threading.RLock()
        self._embedder: Embedder | None = None
        self._home: DataHome | None = None
        self._live: LiveIndex | None = None
        self._backend: Backend | None = None
        self._checker: CitationChecker | None = None

    # -- parts, opened on first use ------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            if s.embedding == "openai":
                self._embedder = OpenAIEmbedder(
                    s.openai_embedding_model, s.resolved_openai_key(), s.resolved_base_url()
                )
            else:
                self._embedder = bundled_embedder(s.embedding_precision)
        return self._embedder

    @property
    def embedding_name(self) -> str:
        s = self.settings
        return (
            f"openai-{s.openai_embedding_model}" if s.embedding == "openai" else "all-MiniLM-L6-v2"
        )

    @property
    def home(self) -> DataHome:
        """The catalog and the vector store of ASSISTANT_HOME (index.home)."""
        if self._home is None:
            s = self.settings
            dim = 384 if s.embedding == "local" else self.embedder.dimension
            self._home = DataHome(
                HomeConfig(
                    s.home,
                    self.embedding_name,
                    dim,
                    s.chroma_host,
                    s.chroma_port,
                    s.lock_timeout_s,
                )
            )
        return self._home

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            self._backend = make_backend(self.settings)
        return self._backend

    @property
    def checker(self) -> CitationChecker:
        if self._checker is None:
            self._checker = CitationChecker(self.embedder)
        return self._checker

    def _current_index(self) -> HybridIndex:
        if self._live is None:
            self._live = LiveIndex(
                self.home, lambda: self.embedder, self.settings.retrieval.config()
            )
        with self._lock:
            return self._live.current()

    # -- public API -----------------------------------------------------------------
    def ingest(self, targets: Iterable[str] | str, progress: bool | None = None) -> IngestReport:
        """Index files, folders, JSON/JSONL article records and http(s) URLs (incremental)."""
        if isinstance(targets, str):
            targets = [targets]
        show = self.settings.progress if progress is None else progress
        s = self.settings
        with self._lock, self.home.writing("ingest") as (catalog, store):
            return run_ingest(
                [str(t) for t in targets],
                store,
                catalog,
                self.embedder,
                s.retrieval.chunk_size,
                s.retrieval.chunk_overlap,
                progress=tqdm_progress("ingest") if show else None,
                max_article_chars=s.max_article_chars,
                fetch_limits=s.fetch_limits(),
            )

    def _ensure_corpus(self) -> None:
        if self.home.catalog.count_articles() or not self.settings.auto_seed:
            return
        seeds = self.settings.seeds_dir
        if not seeds.exists():
            raise AssistantError("The index is empty: run `assistant ingest PATH` to add articles.")
        print(f"Index is empty; indexing {seeds} first.", file=sys.stderr)
        self.ingest([str(seeds)])

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        as_of: date | str | None = None,
    ) -> list[Hit]:
        """The top-k passages for a question (hybrid BM25 + vectors, filtered). With `as_of`,
        its relative time ("latest", "last week") is resolved against that date
        (index/timeref.py); without, only a question that needs it (how X developed, before
        or after a named event) is, against today; others are searched as written. An event
        no article names does not narrow the search (see `Answer.time_note`)."""
        return self._retrieve(question, k, filters, as_of)[0]

    def _retrieve(
        self, question: str, k: int | None, filters: Filters | None, as_of: date | str | None
    ) -> tuple[list[Hit], str | None]:
        """The passages, and why the question's time could not be applied (or None)."""
        self._ensure_corpus()
        index = self._current_index()
        k = k or self.settings.retrieval.retrieve_k
        from index.events import UnknownEvent
        from index.timeref import needs_time, resolve_time, search_in_time

        if as_of is None and not needs_time(question):
            return index.search(question, k, filters), None
        try:
            scope = resolve_time(question, as_of)
            return search_in_time(index, question, scope, k, base=filters), None
        except UnknownEvent as err:  # no article names the event: searched as written, said so
            return index.search(question, k, filters), str(err)

    def stream(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        filters: Filters | None = None,
        as_of: date | str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield answer text as it is generated, then the checked Answer as the last item."""
        question = (question or "").strip()
        if not question:
            raise AssistantError("The question is empty; ask something about the articles.")
        t0 = time.perf_counter()
        limit = self.settings.refusal.max_question_chars
        if len(question) > limit:
            # Declined before retrieval: a huge question fans out over every chunk and overflows
            # the local model's context.
            yield REFUSAL
            yield Answer(
                answer=REFUSAL,
                refused=True,
                refusal_reason=RefusalReason(
                    "question_too_long",
                    f"The question has {len(question):,} characters; the limit is {limit:,} "
                    "(ASSISTANT_REFUSAL__MAX_QUESTION_CHARS).",
                ),
                question=question[:200],
                backend=self.backend.name,
            )
            return
        timings: dict[str, float] = {}
        standalone = condense(
            question,
            history,
            self.settings.history_tokens,
            None if self.settings.resolved_llm() != "openai" else self.backend.complete,
        )
        timings["rewrite_ms"] = (time.perf_counter() - t0) * 1000
        self._ensure_corpus()
        if not self.home.catalog.count_articles():
            yield REFUSAL
            yield Answer(
                answer=REFUSAL,
                refused=True,
                refusal_reason=RefusalReason(
                    "empty_index", "No articles are indexed: run `assistant ingest PATH` first."
                ),
                question=question,
                standalone_question=standalone,
                backend=self.backend.name,
            )
            return
        t = time.perf_counter()
        hits, time_note = self._retrieve(
            standalone, self.settings.retrieval.retrieve_k, filters, as_of
        )
        passages = hits[: self.settings.retrieval.top_k]
        timings["retrieve_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        candidates = rank_sentences(
            standalone, passages, self.embedder, focus=question, weights=self.settings.answer
        )
        unindexed = self._current_index().analyse(standalone).unindexed_sources
        reason = refusal_reason(standalone, passages, candidates, unindexed, self.settings.refusal)
        if not passages:
            reason = out_of_range(standalone, filters, as_of) or reason
        timings["rank_ms"] = (time.perf_counter() - t) * 1000
        answer = Answer(
            answer=REFUSAL,
            refused=True,
            refusal_reason=reason,
            question=question,
            standalone_question=standalone,
            backend=self.backend.name,
            time_note=time_note,
        )
        if reason is None:
            t = time.perf_counter()
            pieces: list[str] = []
            from assistant.report_order import first_reporter
            from assistant.timeline import dated, subject_first, timeline_answer

            # "How did X develop?": the events of the dated articles, oldest first.
            timeline = timeline_answer(standalone, passages, self.embedder)
            # "Which outlet reported X first?" is settled by published_at on every backend.
            first = None if timeline else first_reporter(standalone, passages, candidates)
            ordered = subject_first(standalone, passages, candidates)  # "the latest on X"
            pieces_in = timeline or ([first] if first else None)
            for piece in pieces_in or self.backend.stream_answer(standalone, passages, ordered):
                pieces.append(piece)
                if "first_token_ms" not in timings:
                    timings["first_token_ms"] = (time.perf_counter() - t0) * 1000
                yield piece
            timings["generate_ms"] = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            answer = self._checked(answer, "".join(pieces), standalone, passages, candidates)
            # Every backend's answer must hold an answer of the asked type (issue 12).
            typed = type_check(
                standalone,
                answer.answer,
                answer.refused,
                passages,
                candidates,
                self.settings.answer,
            )
            if typed.repaired is not None:
                answer = self._checked(answer, typed.repaired, standalone, passages, candidates)
            elif typed.reason is not None:
                answer.answer, answer.refused, answer.citations = REFUSAL, True, []
                answer.refusal_reason = typed.reason
            if timeline is not None and not answer.refused:
                answer.answer = dated(answer.answer, passages)
            timings["check_ms"] = (time.perf_counter() - t) * 1000
        else:
            yield REFUSAL
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        answer.timings_ms = timings
        yield answer

    def _checked(
        self, answer: Answer, raw: str, question: str, passages: list[Hit], candidates: list[Any]
    ) -> Answer:
        return checked_answer(
            answer, raw, question, passages, candidates, self.checker, self.backend,
            self.settings, self.home.catalog,
        )  # fmt: skip

    def ask(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        filters: Filters | None = None,
        as_of: date | str | None = None,
    ) -> Answer:
        """One answer with citations (the refusal constant when the articles do not say);
        `as_of` resolves relative time in the question against that date."""
        final: Answer | None = None
        for item in self.stream(question, history, filters, as_of):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def chat(
        self,
        message: str,
        history: Sequence[Any] | None = None,
        conversation_id: str | None = None,
    ) -> Answer:
        """Answer a chat message; follow-ups are rewritten using the (token-bounded) history.

        With conversation_id, the saved conversation (assistant/conversations.py) gives the
        history and the turn is saved to it.
        """
        if conversation_id is None:
            return self.ask(message, history=history)
        if history:
            raise AssistantError(
                "Pass either history or conversation_id: a saved conversation has its own history."
            )
        from assistant.conversations import continue_conversation

        return continue_conversation(self, conversation_id, message)

    def status(self) -> dict[str, Any]:
        """What is indexed, and which models are in use (reads the catalog only)."""
        s = self.settings
        catalog = self.home.catalog
        return {
            "documents": catalog.count_articles(),
            "chunks": catalog.count_chunks(),
            "embedding_model": self.embedding_name,
            "llm": self.llm_name,
            "home": str(s.home.resolve()),
            "chroma": (
                f"{s.chroma_host}:{s.chroma_port}"
                if s.chroma_host
                else str(self.home.config.chroma_dir)
            ),
        }

    @property
    def llm_name(self) -> str:
        kind = self.settings.resolved_llm()
        if kind == "openai":
            return f"openai:{self.settings.openai_model}"
        if kind == "local":
            return "local:SmolLM2-135M-Instruct-Q4_1"
        return "extractive"

    def documents(self) -> list[dict[str, Any]]:
        """One row per indexed article, by title."""
        return self.home.catalog.articles("ORDER BY title")

    def forget(self, doc: str) -> dict[str, Any]:
        """Remove one article (doc id, path, URL or exact title) and its chunks."""
        with self._lock, self.home.writing("forget") as (catalog, store):
            return forget(doc, store, catalog)

    def reset(self) -> None:
        """Delete the whole index (catalog and Chroma collection), whatever state it is in."""
        with self._lock:
            self.home.reset()

    def doctor(self, repair: bool = False) -> dict[str, Any]:
        """Compare the catalog with Chroma; with repair, fix what differs without re-embedding."""
        with self._lock:
            return self.home.doctor(repair)

    def watch(
        self, feeds: Iterable[str] | str, progress: bool | None = None
    ) -> tuple[list[FeedResult], IngestReport]:
        """Refresh RSS/Atom feeds (conditional GETs, new and changed entries only) and index
        what they brought; each FeedResult's line() says new/changed/unchanged/failed."""
        from index.watch import FeedWatcher, entry_progress

        s = self.settings
        show = s.progress if progress is None else progress
        watcher = FeedWatcher(
            s.catalog_path, s.home / "feeds", s.fetch_limits(), s.feeds.host_delay_s,
            s.feeds.respect_robots,
        )  # fmt: skip
        urls = [feeds] if isinstance(feeds, str) else list(feeds)
        results = []
        for url in urls:  # one progress bar per feed
            results += watcher.refresh([url], entry_progress(url) if show else None)
        archives = [str(r.archive) for r in results if r.archive]
        return results, (self.ingest(archives, progress=show) if archives else IngestReport())
