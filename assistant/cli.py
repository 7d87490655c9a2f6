"""The `assistant` command: each subcommand calls one public function; its docstring is its help."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from assistant.answer import Answer
from assistant.settings import Settings
from index.errors import AssistantError


def _assistant() -> Any:
    from assistant.core import Assistant

    return Assistant(Settings())


def _filters(args: argparse.Namespace) -> Any:
    from index.filters import make_filters

    return make_filters(
        getattr(args, "source", None),
        getattr(args, "date_from", None),
        getattr(args, "date_to", None),
        labels=("--date-from", "--date-to"),
    )


def print_answer(ans: Answer) -> None:
    print(ans.answer)
    for c in ans.citations:
        where = c.url or c.file or ""
        date = f", {c.published_at[:10]}" if c.published_at else ""
        src = f" ({c.source}{date})" if c.source else (f" ({date[2:]})" if date else "")
        print(f"  [{c.n}] {c.title}{src} {where} chars {c.start}-{c.end}")
    if ans.dropped_sentences:
        print(f"  (check dropped {len(ans.dropped_sentences)} unsupported sentence(s))")


def _print_rejected(report: Any) -> None:
    for item in report.items:
        if item.status == "rejected":
            # Most reasons already start with the path; do not print it twice.
            why = item.reason or ""
            print(
                f"rejected: {why if why.startswith(item.key) else f'{item.key}: {why}'}",
                file=sys.stderr,
            )


def _all_rejected(report: Any) -> bool:
    return bool(report.items) and all(i.status == "rejected" for i in report.items)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Index files, folders (recursive), JSON/JSONL article records and http(s) URLs.

    Re-ingesting skips unchanged articles, replaces changed ones and removes articles
    deleted from a re-ingested folder.
    """
    report = _assistant().ingest(args.targets)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        _print_rejected(report)
        print(report.summary())
    return 1 if _all_rejected(report) else 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Keep RSS/Atom feeds, and local files and folders, fresh.

    Feeds: their new and changed entries' pages are fetched and indexed, with conditional GETs
    (ETag/Last-Modified), a per-host delay, robots.txt and a User-Agent that names the
    product; entries that roll off a feed stay indexed. Files and folders are re-ingested:
    new and changed files indexed, deleted ones forgotten, unreadable ones kept. One line per
    feed or folder and refresh. Without --every, refresh once; with it, every MINUTES until
    Ctrl-C.
    """
    import time
    from pathlib import Path

    from index.loaders import is_url

    feeds = [t for t in args.feeds if is_url(t)]
    paths = [t for t in args.feeds if not is_url(t)]
    for p in paths:
        if not Path(p).exists():
            raise AssistantError(
                f"{p} is neither a feed URL nor a file or folder here; give a feed's http(s) "
                "URL or an existing path."
            )
    a = _assistant()
    try:
        while True:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            failed = []
            if feeds:
                results, report = a.watch(feeds)
                for r in results:
                    print(f"[{stamp}] {r.line()}")
                    for problem in r.problems:
                        print(f"  failed: {problem}", file=sys.stderr)
                print(f"[{stamp}] index: {report.summary()}")
                failed.append(all(r.error for r in results))
            if paths:
                # Ingest is incremental: unchanged files cost a hash, nothing is re-embedded.
                report = a.ingest(paths)
                _print_rejected(report)
                print(f"[{stamp}] {', '.join(paths)}: {report.summary()}")
                failed.append(_all_rejected(report))
            if not args.every:
                return 1 if all(failed) else 0
            time.sleep(args.every * 60)
    except KeyboardInterrupt:
        print("stopped: feeds refreshed so far are saved; the next watch goes on.", file=sys.stderr)
        return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question with citations."""
    ans = _assistant().ask(args.question, filters=_filters(args), as_of=args.as_of)
    if args.json:
        print(json.dumps(ans.to_dict(), indent=2))
    else:
        print_answer(ans)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Multi-turn chat in the terminal; follow-up questions use the conversation."""
    assistant = _assistant()
    history: list[dict[str, str]] = []
    print("Ask about the articles (empty line or Ctrl-D to quit).")
    while True:
        try:
            message = input("> ").strip()
        except EOFError:
            break
        if not message:
            break
        try:
            ans = assistant.chat(message, history)
        except AssistantError as err:
            print(f"error: {err}")
            continue
        print_answer(ans)
        history += [
            {"role": "user", "content": message},
            {"role": "assistant", "content": ans.answer},
        ]
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    """Serve the chat page and the OpenAI-compatible /v1 API on one port (127.0.0.1 by default).

    Other hosts need --auth for the page and ASSISTANT_API_KEY for /v1 (Bearer token).
    """
    from index.offline import go_offline

    go_offline()  # before gradio is imported: it reads GRADIO_ANALYTICS_ENABLED then
    from ui.serve import launch

    launch(host=args.host, port=args.port, auth=args.auth)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the assistant against a question set (JSONL/CSV or MultiHop-RAG JSON)."""
    from assistant.evaluation import cli_eval

    return int(cli_eval(args))


def cmd_status(args: argparse.Namespace) -> int:
    """What is indexed and which models are in use."""
    assistant = _assistant()
    info = assistant.status()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    for k, v in info.items():
        print(f"{k}: {v}")
    for d in assistant.documents():
        print(f"  {d['doc_id']}  {d.get('n_chunks', 0):>3} chunks  {d.get('title', '')[:70]}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    """Remove one article (doc id, path, URL or exact title) and all its chunks."""
    out = _assistant().forget(args.doc)
    print(f"forgot {out['doc_id']} ({out['title']}), {out['chunks']} chunks removed")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    """Delete the whole index under ASSISTANT_HOME."""
    asked = not args.yes and sys.stdin.isatty()
    if asked and input("Delete the whole index? [y/N] ").strip().lower() != "y":
        return 1
    _assistant().reset()
    print("index deleted")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Compare the catalog with the vector store and say what is wrong.

    --repair finishes crashed writes, deletes orphan chunks, re-adds missing ones from the
    catalog (no re-embedding) and rebuilds an unreadable catalog from the vector store.
    """
    report = _assistant().doctor(repair=args.repair)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key in ("articles", "chunks", "vector_store_chunks", "orphans", "missing"):
            if key in report:
                print(f"{key}: {report[key]}")
        for p in report["problems"]:
            print(f"problem: {p}")
        for r in report["repaired"]:
            print(f"repaired: {r}")
        if not report["problems"]:
            print("ok: the catalog and the vector store agree")
        elif not args.repair:
            print("run `assistant doctor --repair` to fix these")
    return 0 if report.get("ok") else 1


def _minutes(value: str) -> float:
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not minutes > 0:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of minutes above 0; try 15")
    return minutes


def _settings_error(err: ValidationError) -> str:
    """One line for a bad ASSISTANT_* variable, naming the variable as it is set."""
    first = err.errors()[0]
    name = "ASSISTANT_" + "__".join(str(p) for p in first["loc"]).upper()
    msg = str(first["msg"]).removeprefix("Value error, ")
    return f"{name}={first.get('input')!r}: {msg}; fix or unset it."


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; given the command about to run, only what that command needs is
    imported (eval's options load the evaluation stack, about a second)."""
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Answers questions about news articles, citing the passages it used.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, fn: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        doc = (fn.__doc__ or "").strip()
        p = sub.add_parser(name, help=doc.splitlines()[0], description=doc)
        p.set_defaults(fn=fn)
        return p

    p = add("ingest", cmd_ingest)
    p.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--json", action="store_true")
    p = add("watch", cmd_watch)
    p.add_argument("feeds", nargs="+", metavar="FEED_URL_OR_PATH")
    p.add_argument("--every", type=_minutes, metavar="MINUTES", help="refresh every MINUTES")
    p = add("ask", cmd_ask)
    p.add_argument("question")
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: answer, citations (n, doc_id, title, source, url, file, "
        "published_at, text, start, end, page, score, also_in), refused, refusal_reason "
        "(code, message), timings_ms, then the citation check's record",
    )
    p.add_argument("--source", action="append", help="only this source (repeatable)")
    p.add_argument("--date-from", help="only articles published on or after (YYYY-MM-DD)")
    p.add_argument("--date-to", help="only articles published on or before (YYYY-MM-DD)")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="resolve 'latest', 'last week', 'yesterday'... against DATE (YYYY-MM-DD)",
    )
    add("chat", cmd_chat)
    p = add("ui", cmd_ui)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="user:password, or a file of user:password lines")
    p = add("eval", cmd_eval)
    if command in (None, "eval"):
        from assistant.evaluation import add_eval_arguments

        add_eval_arguments(p)
    p = add("status", cmd_status)
    p.add_argument("--json", action="store_true")
    p = add("forget", cmd_forget)
    p.add_argument("doc")
    p = add("reset", cmd_reset)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p = add("doctor", cmd_doctor)
    p.add_argument("--repair", action="store_true", help="fix what is found")
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        return int(args.fn(args))
    except AssistantError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValidationError as err:  # a bad ASSISTANT_* environment variable
        print(f"error: {_settings_error(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `assistant status | head`: the reader left; end quietly as other Unix tools do.
        # stdout goes to devnull so the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
