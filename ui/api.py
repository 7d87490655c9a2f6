"""The OpenAI-compatible API that `assistant ui` serves under /v1, next to the page.

    from openai import OpenAI
    client = OpenAI(base_url="http://127.0.0.1:7860/v1", api_key=os.environ.get(
        "ASSISTANT_API_KEY", "unused"))
    r = client.chat.completions.create(model="news-assistant", messages=[...])
    r.choices[0].message.content     # answer with [n] markers, then a Markdown "Sources" list
    r.model_extra["citations"]       # the `ask --json` citation objects

`messages` is the chat history: the last message is the question, the earlier user and
assistant messages are the conversation a follow-up is rewritten with. A stream sends the
checked answer only (an event stream cannot take text back), sentence by sentence, then the
Sources list; its deltas joined equal the non-streaming content, and its last chunk carries
`citations`, `suggestions`, `refused`, `refusal_reason` and `usage`. A request may name the
reference date of relative time ("latest", "last week") in `as_of` (YYYY-MM-DD; openai's
`extra_body={"as_of": ...}`), as `assistant ask --as-of` does; without it, today. Errors use OpenAI's
`{"error": {"message", "type", "param", "code"}}` shape.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.answer import Answer
from assistant.conversations import sources_markdown
from assistant.suggestions import suggest
from assistant.text import split_sentences
from index.errors import AssistantError

log = logging.getLogger("assistant.api")

MODEL_ID = "news-assistant"
# A conversation long enough to need more is cut to history_tokens anyway (assistant/chat.py).
MAX_BODY_BYTES = 1_000_000
ROLES = {"system", "developer", "user", "assistant", "tool"}
# Where our own Sources list starts in an assistant message sent back as history.
_SOURCES_RE = re.compile(r"\n\n\*\*Sources\*\*\n.*\Z", re.S)
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


class APIError(Exception):
    """An error the client sees in OpenAI's format."""

    def __init__(
        self,
        status: int,
        message: str,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = (
            status, message, type_, code, param,
        )  # fmt: skip

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }

    def response(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def count_tokens(text: str) -> int:
    """Usage counts: words and punctuation marks. An approximation of tokens: no tokenizer
    is downloaded at run time, and the answer's backend may not have one."""
    return len(_TOKEN_RE.findall(text))


def message_text(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for p in content:
            if isinstance(p, dict) and p.get("type") == "text":
                parts.append(str(p.get("text") or ""))
            elif isinstance(p, str):
                parts.append(p)
            else:
                raise APIError(
                    400,
                    "Only text content parts are supported; send each message's content as a "
                    "string or as parts of type 'text'.",
                    param="messages",
                )
        return "\n".join(parts)
    raise APIError(
        400, "A message's content must be a string or a list of parts.", param="messages"
    )


def parse_messages(messages: Any) -> tuple[str, list[dict[str, str]]]:
    """(the question, the earlier conversation) from an OpenAI `messages` list."""
    if not isinstance(messages, list) or not messages:
        raise APIError(
            400, "'messages' must be a non-empty list of {role, content}.", param="messages"
        )
    history: list[dict[str, str]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            raise APIError(
                400,
                f"messages[{i}] needs a role (one of {', '.join(sorted(ROLES))}) and content.",
                param=f"messages[{i}]",
            )
        if m["role"] in ("user", "assistant"):
            text = message_text(m.get("content"))
            if m["role"] == "assistant":
                text = _SOURCES_RE.sub("", text)  # our own Sources list is not conversation
            history.append({"role": m["role"], "content": text})
    if not history or history[-1]["role"] != "user" or not history[-1]["content"].strip():
        raise APIError(
            400, "The last message must be the user's question (role 'user', non-empty content).",
            param="messages",
        )  # fmt: skip
    return history[-1]["content"].strip(), history[:-1]


def answer_content(answer: Answer) -> str:
    """The message content: the answer with its [n] markers, then the Sources list."""
    sources = sources_markdown(answer.citations)
    return answer.answer + (f"\n\n{sources}" if sources else "")


def content_deltas(answer: Answer) -> list[str]:
    """The content in stream pieces: one per answer sentence, then the Sources list; joined,
    they are exactly answer_content(answer)."""
    text = answer.answer
    cuts = [b for _, b in split_sentences(text)][:-1]
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    content = answer_content(answer)
    if len(content) > len(text):
        pieces.append(content[len(text) :])
    return [p for p in pieces if p]


def _extras(answer: Answer) -> dict[str, Any]:
    return {
        "citations": [c.to_dict() for c in answer.citations],
        "suggestions": list(answer.suggestions),
        "refused": answer.refused,
        "refusal_reason": answer.refusal_reason.to_dict() if answer.refusal_reason else None,
        "time_note": answer.time_note,
    }


def _usage(question: str, history: list[dict[str, str]], content: str) -> dict[str, int]:
    prompt = sum(count_tokens(m["content"]) for m in history) + count_tokens(question)
    completion = count_tokens(content)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def build_api(
    assistant: Any,
    api_key: str | None = None,
    key_required: bool = False,
    answer_fn: Callable[[str, list[dict[str, str]]], Answer] | None = None,
) -> FastAPI:
    """The /v1 app for one Assistant (mount it at /v1).

    api_key: the Bearer token every request must carry (None: no key asked).
    key_required: refuse every request when no api_key is set (a non-loopback host).
    answer_fn: (question, history) -> Answer with its suggestions (tests); default asks the
    assistant, then finds suggestions (after the content, in a stream).
    """
    api = FastAPI(title="News assistant API", docs_url=None, redoc_url=None, openapi_url=None)

    def answer(question: str, history: list[dict[str, str]], as_of: str | None = None) -> Answer:
        if answer_fn is not None:
            return answer_fn(question, history)
        more = {"as_of": as_of} if as_of else {}
        ans: Answer = assistant.ask(question, history=history, **more)
        return ans

    def add_suggestions(ans: Answer, history: list[dict[str, str]]) -> Answer:
        if answer_fn is None:
            ans.suggestions = suggest(assistant, ans, history)
        return ans

    def authorise(request: Request) -> None:
        if api_key:
            header = request.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                token.strip().encode(), api_key.encode()
            ):
                raise APIError(
                    401,
                    "Incorrect or missing API key: send the key of ASSISTANT_API_KEY as "
                    "'Authorization: Bearer KEY'.",
                    code="invalid_api_key",
                )
        elif key_required:
            raise APIError(
                403,
                "The /v1 API is off on a non-loopback host without a key: start `assistant ui` "
                "with ASSISTANT_API_KEY set and send it as a Bearer token.",
                type_="permission_error",
                code="api_key_required",
            )

    @api.exception_handler(APIError)
    async def _api_error(request: Request, err: APIError) -> JSONResponse:
        return err.response()

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        message = (
            f"No route {request.method} {request.url.path}; the API has GET /v1/models and "
            "POST /v1/chat/completions."
        )
        code = "not_found" if err.status_code == 404 else "method_not_allowed"
        return APIError(err.status_code, message, code=code).response()

    @api.get("/models")
    async def models(request: Request) -> JSONResponse:
        authorise(request)
        return JSONResponse({"object": "list", "data": [_model_card(assistant)]})

    @api.get("/models/{model}")
    async def model(model: str, request: Request) -> JSONResponse:
        authorise(request)
        _check_model(model)
        return JSONResponse(_model_card(assistant))

    @api.post("/chat/completions", response_model=None)
    async def chat_completions(request: Request) -> JSONResponse | StreamingResponse:
        authorise(request)
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise APIError(
                413,
                f"The request body has {len(raw):,} bytes; the limit is {MAX_BODY_BYTES:,}. "
                "Send fewer or shorter messages.",
                code="request_too_large",
            )
        try:
            body = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            raise APIError(400, "The request body is not JSON; send a JSON object.") from None
        if not isinstance(body, dict):
            raise APIError(400, "The request body must be a JSON object.")
        model_name = body.get("model")
        if not model_name:
            raise APIError(400, f"'model' is required; use '{MODEL_ID}'.", param="model")
        _check_model(str(model_name))
        if body.get("n") not in (None, 1):
            raise APIError(400, "Only n=1 is supported; ask once per answer.", param="n")
        if (stream := body.get("stream")) is not None and not isinstance(stream, bool):
            # A string "false" is truthy: the client got the event stream it had turned off.
            raise APIError(400, "'stream' must be JSON true or false.", param="stream")
        question, history = parse_messages(body.get("messages"))
        answer_as_of = partial(answer, as_of=_as_of(body.get("as_of")))
        cid = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if stream:
            return StreamingResponse(
                _stream(cid, created, question, history, answer_as_of, add_suggestions),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        try:
            ans = await run_in_threadpool(answer_as_of, question, history)
            ans = await run_in_threadpool(add_suggestions, ans, history)
        except Exception as err:
            raise _server_error(err, question) from None
        content = answer_content(ans)
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": MODEL_ID,
                "system_fingerprint": None,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": _usage(question, history, content),
                **_extras(ans),
            }
        )

    return api


def _as_of(value: Any) -> str | None:
    """The request's reference date (None: today); a 400 when it is not YYYY-MM-DD."""
    from ui.inputs import parse_as_of

    if value is not None and not isinstance(value, str):
        raise APIError(400, "'as_of' must be a date string, YYYY-MM-DD.", param="as_of")
    try:
        return parse_as_of(value)
    except AssistantError as err:
        raise APIError(400, str(err), param="as_of") from None


def _check_model(model: str) -> None:
    if model != MODEL_ID:
        raise APIError(
            404,
            f"The model '{model}' does not exist; this server answers as '{MODEL_ID}'.",
            code="model_not_found",
            param="model",
        )


def _model_card(assistant: Any) -> dict[str, Any]:
    return {
        "id": MODEL_ID,
        "object": "model",
        "created": 0,
        "owned_by": "news-assistant",
        # Which backend writes the answers (extractive, local:..., openai:...).
        "llm": str(getattr(assistant, "llm_name", "")),
    }


def _server_error(err: BaseException, question: str) -> APIError:
    if isinstance(err, AssistantError):
        return APIError(500, str(err).strip().splitlines()[0], type_="server_error")
    log.exception("/v1/chat/completions %r failed", question, exc_info=err)
    return APIError(
        500,
        f"Answering failed ({type(err).__name__}); the server log has details.",
        type_="server_error",
    )


async def _stream(
    cid: str,
    created: int,
    question: str,
    history: list[dict[str, str]],
    answer: Callable[[str, list[dict[str, str]]], Answer],
    add_suggestions: Callable[[Answer, list[dict[str, str]]], Answer],
) -> AsyncIterator[str]:
    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(chunk)}\n\n"

    # The role goes out at once, so a client sees the answer start while it is checked.
    yield event({"role": "assistant", "content": ""})
    try:
        ans = await run_in_threadpool(answer, question, history)
    except Exception as err:
        yield f"data: {json.dumps(_server_error(err, question).body())}\n\n"
        yield "data: [DONE]\n\n"
        return
    for piece in content_deltas(ans):
        yield event({"content": piece})
    # Suggestions come after the content: the reader has the answer while they are checked.
    try:
        ans = await run_in_threadpool(add_suggestions, ans, history)
    except Exception as err:  # never lose an answer already sent for its suggestions
        log.warning("suggestions for %r failed: %s", question, err)
    usage = _usage(question, history, answer_content(ans))
    yield event({}, "stop", usage=usage, **_extras(ans))
    yield "data: [DONE]\n\n"
