"""A scripted OpenAI-compatible chat server for tests: it answers with the passage sentence
that shares the most words with the question, cited, streamed a word at a time with a pause,
so the openai backend and the page see a real token stream without a model.

    with scripted_llm() as base_url:      # http://127.0.0.1:PORT/v1
        ...ASSISTANT_LLM=openai OPENAI_BASE_URL=base_url...

Prompts without passages and a question (the follow-up rewrite) get an empty reply, which the
assistant treats as "no rewrite".
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import time
from collections.abc import Iterator
from typing import Any

from assistant.text import content_words, sentences
from tests.httpserver import serving

WORD_DELAY_S = 0.04
_PASSAGE_RE = re.compile(
    r"^\[(\d+)\] \([^\n]*\)\n(.*?)(?=\n\n\[\d+\] \(|\n</passages>|\Z)", re.M | re.S
)
_QUESTION_RE = re.compile(r"^Question: (.+)$", re.M)


def scripted_answer(prompt: str) -> str:
    """The best-overlapping passage sentence with its [n] marker ('' for other prompts)."""
    questions = _QUESTION_RE.findall(prompt)
    passages = _PASSAGE_RE.findall(prompt)
    if not questions or not passages:
        return ""
    q = content_words(questions[-1])
    # A rewritten follow-up carries the earlier topic in parentheses: the user's own words
    # count twice.
    own = content_words(questions[-1].split(" (", 1)[0])
    best: tuple[float, str, str] = (0.0, "", "")
    for n, text in passages:
        for sent in sentences(text):
            words = content_words(sent)
            score = (len(q & words) + len(own & words)) / (1 + 0.01 * len(sent))
            if score > best[0]:
                best = (score, n, sent.strip())
    if not best[1]:
        return "The articles I have do not say."
    body = best[2].rstrip(".!?")
    return f"{body} [{best[1]}]."


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        prompt = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
        text = scripted_answer(prompt)
        base = {"id": "chatcmpl-scripted", "created": int(time.time()), "model": "scripted"}
        if not body.get("stream"):
            out = {
                **base,
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
            data = json.dumps(out).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        words = re.findall(r"\S+\s*", text)
        for i, word in enumerate(words):
            delta = {"role": "assistant", "content": word} if i == 0 else {"content": word}
            chunk = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            time.sleep(WORD_DELAY_S)
        end = {
            **base,
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()
        self.close_connection = True


@contextlib.contextmanager
def scripted_llm() -> Iterator[str]:
    """Serve the scripted model on a free port; yields its /v1 base URL."""
    with serving(_Handler) as base:
        yield base + "/v1"
