"""HTML for the chat page: answers with linked [n] markers, the sources panel, errors.

Everything that comes from an article (text, titles, sources, URLs, paths) or from a user
goes through html.escape before it reaches the page: an article holding <script> or
<img onerror=...> must show as text, never run. Chat messages are also rendered as
Markdown by the Chatbot, so answer text is Markdown-escaped first (then HTML-escaped).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from assistant.answer import Answer, Citation
from assistant.text import MARKER_RE, content_words, split_sentences, strip_markers

CONTEXT_CHARS = 320  # article text shown before and after a cited passage
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
_TAG_RE = re.compile(r"<[^>]+>")

PANEL_EMPTY = (
    '<div class="src-panel"><p class="src-note">Ask a question: the passages the answer '
    "cites show here, with the sentences it used highlighted.</p></div>"
)
PANEL_WORKING = '<div class="src-panel"><p class="src-note">Looking for passages&hellip;</p></div>'


def esc(value: Any) -> str:
    """HTML-escape any value (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def md_esc(text: str) -> str:
    """Text that the Chatbot's Markdown renderer shows verbatim (then HTML-escaped)."""
    return esc(_MD_SPECIAL.sub(r"\\\1", text))


def anchor_id(answer_id: str, n: int) -> str:
    return f"src-{answer_id}-{n}"


def _safe_url(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


# -- chat messages ---------------------------------------------------------------------------
def render_stream(text: str) -> str:
    """Answer text while it streams: escaped, markers left as plain text."""
    return md_esc(text)


def render_answer(answer: Answer, answer_id: str) -> str:
    """The checked answer; each [n] marker links to its entry in the sources panel."""
    cited = {c.n: c for c in answer.citations}
    out: list[str] = []
    pos = 0
    text = answer.answer
    for m in MARKER_RE.finditer(text):
        out.append(md_esc(text[pos : m.start()]))
        links = []
        for raw in m.group(1).split(","):
            n = int(raw)
            c = cited.get(n)
            if c is None:
                links.append(esc(f"[{n}]"))
                continue
            links.append(
                f'<a class="cite" href="#{anchor_id(answer_id, n)}" title="{esc(c.title)}">'
                f"[{n}]</a>"
            )
        out.append(" " + "".join(links))
        pos = m.end()
    out.append(md_esc(text[pos:]))
    if answer.refusal_reason is not None:
        out.append(
            f'<br><span class="refusal-reason" data-code="{esc(answer.refusal_reason.code)}">'
            f"Why: {md_esc(answer.refusal_reason.message)}</span>"
        )
    note = getattr(answer, "time_note", None)  # "before the election" that no article names
    if note:
        out.append(f'<br><span class="time-note">Note: {md_esc(note)}</span>')
    return "".join(out)


def render_error(message: str) -> str:
    return f'<span class="chat-error">⚠️ {md_esc(message)}</span>'


def plain_text(content: Any) -> str:
    """The words of a chat message (our HTML stripped), for follow-up question rewriting."""
    if isinstance(content, list):
        content = " ".join(plain_text(p) for p in content)
    elif isinstance(content, dict):
        content = content.get("text") or content.get("content") or ""
    text = html.unescape(_TAG_RE.sub("", str(content or "")))
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|~$])", r"\1", text).strip()


def plain_history(history: list[Any] | None) -> list[dict[str, str]]:
    out = []
    for msg in history or []:
        if isinstance(msg, dict):
            text = plain_text(msg.get("content"))
            if text:
                out.append({"role": str(msg.get("role", "user")), "content": text})
    return out


# -- sources panel ---------------------------------------------------------------------------
def sentences_for(answer: Answer, n: int) -> list[str]:
    """The answer's sentences (markers stripped) that cite passage n."""
    text = answer.answer
    out = []
    for a, b in split_sentences(text):
        sentence = text[a:b]
        cites = [int(x) for m in MARKER_RE.finditer(sentence) for x in m.group(1).split(",")]
        if n in cites:
            out.append(strip_markers(sentence))
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().rstrip(".!?").lower()


def highlight_spans(passage: str, claims: list[str]) -> list[tuple[int, int]]:
    """Spans of the passage's sentences an answer sentence came from: the sentence itself
    when it is quoted verbatim, else the passage sentence sharing the most content words."""
    spans: list[tuple[int, int]] = []
    sents = split_sentences(passage)
    for claim in claims:
        key = _norm(claim)
        if not key:
            continue
        exact = [(a, b) for a, b in sents if key in _norm(passage[a:b])]
        if exact:
            spans.extend(exact)
            continue
        words = content_words(claim)
        best, best_score = None, 0.0
        for a, b in sents:
            shared = len(words & content_words(passage[a:b]))
            score = shared / max(1, len(words))
            if score > best_score:
                best, best_score = (a, b), score
        if best and best_score >= 0.5:
            spans.append(best)
    return sorted(set(spans))


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            continue
        out.append(esc(text[pos:a]))
        out.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


def article_context(c: Citation) -> tuple[str, str]:
    """Article text just before and after the passage, when the article file is readable
    and its text matches the citation's offsets (plain-text files); else empty."""
    if not c.file:
        return "", ""
    try:
        p = Path(c.file)
        if not p.is_file() or p.stat().st_size > 5_000_000:
            return "", ""
        text = p.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
        text = text.strip("\ufeff")
    except (OSError, UnicodeDecodeError):
        return "", ""
    if text[c.start : c.end] != c.text:
        return "", ""
    before = text[max(0, c.start - CONTEXT_CHARS) : c.start]
    after = text[c.end : c.end + CONTEXT_CHARS]
    if c.start > CONTEXT_CHARS and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if c.end + CONTEXT_CHARS < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return before, after


def render_citation(answer: Answer, c: Citation, answer_id: str) -> str:
    spans = highlight_spans(c.text, sentences_for(answer, c.n))
    before, after = article_context(c)
    meta = []
    if c.source:
        meta.append(f'<span class="src-source">{esc(c.source)}</span>')
    if c.published_at:
        meta.append(f'<span class="src-date">{esc(c.published_at[:10])}</span>')
    url = _safe_url(c.url)
    if url:
        meta.append(
            f'<a class="src-url" href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
            f"{esc(url)}</a>"
        )
    elif c.url:
        meta.append(f'<span class="src-url">{esc(c.url)}</span>')
    if c.file:
        meta.append(f'<code class="src-path">{esc(c.file)}</code>')
    meta.append(f'<span class="src-chars">chars {c.start}–{c.end}, score {c.score:.2f}</span>')
    ctx_before = f'<span class="src-context">{esc(before)}</span>' if before else ""
    ctx_after = f'<span class="src-context">{esc(after)}</span>' if after else ""
    return (
        f'<div class="src-entry" id="{anchor_id(answer_id, c.n)}" data-n="{c.n}" '
        f'data-doc-id="{esc(c.doc_id)}" data-start="{c.start}" data-end="{c.end}">'
        f'<div class="src-head"><span class="src-n">[{c.n}]</span> '
        f'<span class="src-title">{esc(c.title or "(untitled)")}</span></div>'
        f'<div class="src-meta">{" · ".join(meta)}</div>'
        f'<div class="src-text">{ctx_before}<span class="src-passage">'
        f"{_marked(c.text, spans)}</span>{ctx_after}</div></div>"
    )


def render_check(answer: Answer) -> str:
    """What the citation check dropped or repaired in this answer."""
    items = []
    if answer.fallback:
        items.append(
            "<li>No generated sentence was supported by the passages; the answer is "
            f"taken from the sources instead ({esc(answer.fallback)}).</li>"
        )
    for s in answer.dropped_sentences:
        items.append(f'<li>Dropped (no passage supports it): <q class="dropped">{esc(s)}</q></li>')
    for r in answer.repaired_citations:
        old = ", ".join(f"[{x}]" for x in _as_list(r.get("from")))
        new = ", ".join(f"[{x}]" for x in _as_list(r.get("to")))
        items.append(
            f"<li>Citation repaired: <q>{esc(r.get('sentence', ''))}</q> cited "
            f"{esc(old or 'nothing')}, now {esc(new)}</li>"
        )
    if not items:
        if answer.refused:
            return ""
        return (
            '<p class="src-check ok">Citation check: every sentence is supported by its '
            "cited passage.</p>"
        )
    return f'<div class="src-check"><b>Citation check</b><ul>{"".join(items)}</ul></div>'


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple, set)) else [x]


def render_sources(answer: Answer, answer_id: str) -> str:
    """The sources panel for one answer."""
    parts = ['<div class="src-panel">']
    asked = (answer.question or "").strip()
    searched = (answer.standalone_question or "").strip()
    if searched and asked and searched != asked:
        parts.append(
            f'<p class="src-note src-searched">Searched for <q>{esc(searched)}</q> '
            "(the question with the conversation's context).</p>"
        )
    if answer.refused or not answer.citations:
        parts.append(
            '<p class="src-note">No passage in the indexed articles answers this question.</p>'
        )
        if answer.refusal_reason is not None:
            r = answer.refusal_reason
            parts.append(
                f'<p class="src-note src-refusal">Declined ({esc(r.code)}): {esc(r.message)}</p>'
            )
    else:
        n = len(answer.citations)
        parts.append(f'<p class="src-note">{n} cited passage{"s" if n != 1 else ""}:</p>')
        parts.extend(render_citation(answer, c, answer_id) for c in answer.citations)
    parts.append(render_check(answer))
    parts.append("</div>")
    return "".join(parts)


def render_status(info: dict[str, Any], llm: str, embedding: str) -> str:
    docs = info.get("documents", 0)
    chunks = info.get("chunks", 0)
    return (
        f'<div class="status-line"><span><b>LLM:</b> <code>{esc(llm)}</code></span>'
        f"<span><b>Embeddings:</b> <code>{esc(embedding)}</code></span>"
        f"<span><b>Index:</b> {int(docs)} article{'s' if docs != 1 else ''}, "
        f"{int(chunks)} passages</span></div>"
    )


CSS = """
.status-line { display: flex; gap: 1.5em; flex-wrap: wrap; font-size: 0.95em; }
.src-panel { font-size: 0.92em; line-height: 1.45; }
.src-note { color: var(--body-text-color-subdued); margin: 0.2em 0 0.6em; }
.src-entry { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 0.6em 0.8em; margin-bottom: 0.8em; scroll-margin-top: 1em; }
.src-entry:target, .src-entry.flash { outline: 3px solid var(--color-accent);
  background: var(--color-accent-soft); }
.src-head { font-weight: 600; margin-bottom: 0.2em; }
.src-n { color: var(--color-accent); }
.src-meta { color: var(--body-text-color-subdued); font-size: 0.9em; margin-bottom: 0.4em;
  overflow-wrap: anywhere; }
.src-text { white-space: pre-wrap; max-height: 22em; overflow-y: auto; position: relative; }
.src-context { color: var(--body-text-color-subdued); }
.src-passage { background: rgba(128, 128, 128, 0.10); }
.src-text mark { background: #ffe066; color: #000; padding: 0 0.1em; }
.src-check ul { margin: 0.2em 0 0 1.2em; }
.src-check.ok { color: var(--body-text-color-subdued); }
.refusal-reason { color: var(--body-text-color-subdued); font-size: 0.92em; }
.chat-error { color: var(--error-text-color, #b91c1c); }
a.cite { text-decoration: none; font-weight: 600; }
"""

# Each new sources panel scrolls every passage box to its first highlighted sentence.
PANEL_JS = """
const focus = () => element.querySelectorAll('.src-text').forEach((box) => {
  const m = box.querySelector('mark');
  if (!m) return;
  const line = parseFloat(getComputedStyle(box).lineHeight) || 20;
  box.scrollTop = Math.max(0, Math.floor(m.offsetTop / line - 2) * line);
});
watch('value', focus);
focus();
"""

# Clicking an [n] marker scrolls its sources-panel entry into view and flashes it (the
# :target rule also highlights it when the browser follows the anchor itself).
JS_HEAD = """
<script>
document.addEventListener("click", (ev) => {
  const a = ev.target.closest && ev.target.closest("a.cite");
  if (!a) return;
  const id = (a.getAttribute("href") || "").slice(1);
  const el = id && document.getElementById(id);
  if (!el) return;
  ev.preventDefault();
  ev.stopPropagation();
  document.querySelectorAll(".src-entry.flash").forEach((e) => e.classList.remove("flash"));
  el.classList.add("flash");
  el.scrollIntoView({behavior: "smooth", block: "center"});
  history.replaceState(null, "", "#" + id);
}, true);
</script>
"""
