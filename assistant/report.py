"""Eval reports: records.jsonl, summary.json, report.md, PNG charts, self-contained report.html."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.metrics import METRIC_HELP, numeric_metrics
from index.errors import AssistantError

TABLE_METRICS = (
    "answer_accuracy", "answerable_accuracy", "f1", "refusal_accuracy", "false_refusal_rate",
    "citation_precision", "citation_recall", "judge_accuracy", "hits@4", "hits@10", "mrr@10",
    "fact_recall@10", "all_facts@10", "latency_ms_p50", "latency_ms_p95",
)  # fmt: skip
CHARTS = {"accuracy_by_type.png": "Accuracy by question type", "latency.png": "Latency"}


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"
    return str(value)


def metric_rows(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(m, summary.get(m)) for m in TABLE_METRICS if m in summary]


TERMINAL_TYPE_METRICS = (
    "answer_accuracy", "refusal_accuracy", "citation_precision", "hits@10", "mrr@10",
    "latency_ms_p50",
)  # fmt: skip


def type_table(
    summary: dict[str, Any], metrics: Sequence[str] = TABLE_METRICS
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-type table (only columns some type has a value for)."""
    by_type: dict[str, dict[str, Any]] = summary.get("by_type", {})
    cols = [m for m in metrics if any(s.get(m) is not None for s in by_type.values())]
    header = ["type", "n", *cols]
    rows = [[t, str(s.get("n", 0)), *(fmt(s.get(m)) for m in cols)] for t, s in by_type.items()]
    return header, rows


def format_summary(summary: dict[str, Any]) -> str:
    """A plain-text summary for the terminal."""
    meta = summary.get("meta", {})
    lines = [
        f"{meta.get('questions', 'questions')}: {summary['n']} questions, "
        f"llm {meta.get('llm', '?')}, {meta.get('documents', '?')} documents indexed"
        + (" (retrieval only)" if meta.get("retrieval_only") else "")
    ]
    for name, value in metric_rows(summary):
        if value is not None:
            lines.append(f"  {name:<20} {fmt(value)}")
    counts = ("refused", "dropped_sentences", "repaired_citations", "fallbacks")
    if not meta.get("retrieval_only"):
        lines.append("  " + ", ".join(f"{c} {summary.get(c, 0)}" for c in counts))
    header, rows = type_table(summary, TERMINAL_TYPE_METRICS)
    if len(rows) > 1 or (rows and rows[0][0] not in {"untyped"}):
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines.append("by type:")
        for row in [header, *rows]:
            lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def compare(new: dict[str, Any], old: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Per numeric metric: old, new and new - old (None where either is missing)."""
    a, b = numeric_metrics(old), numeric_metrics(new)
    out: dict[str, dict[str, float | None]] = {}
    for key in [k for k in b if k in a or k in TABLE_METRICS]:
        o, n = a.get(key), b.get(key)
        delta = None if o is None or n is None else round(n - o, 4)
        out[key] = {"old": o, "new": n, "delta": delta}
    return out


def format_compare(deltas: dict[str, dict[str, float | None]], old_name: str) -> str:
    lines = [f"compared with {old_name}:"]
    for key, d in deltas.items():
        delta = d["delta"]
        sign = "" if delta is None else ("+" if delta > 0 else "")
        shown = "-" if delta is None else f"{sign}{fmt(delta)}"
        lines.append(f"  {key:<20} {fmt(d['old']):>8} -> {fmt(d['new']):>8}  ({shown})")
    return "\n".join(lines)


def load_summary(path: str | Path) -> dict[str, Any]:
    """summary.json of an earlier report (the directory, or the file itself)."""
    p = Path(path)
    file = p / "summary.json" if p.is_dir() else p
    if not file.is_file():
        raise AssistantError(
            f"No summary.json at {p}: pass a directory written by `assistant eval --report DIR`."
        )
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise AssistantError(f"{file} is not valid JSON ({err.msg}): re-run that eval.") from None
    if not isinstance(data, dict):
        raise AssistantError(f"{file} is not an eval summary: re-run that eval.")
    return data


def _charts(summary: dict[str, Any], records: Sequence[dict[str, Any]], out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def save(name: str, fig: Any, ax: Any) -> str:
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out / name, dpi=100)
        plt.close(fig)
        return name

    written: list[str] = []
    by_type: dict[str, dict[str, Any]] = summary.get("by_type", {})
    series = [
        m for m in ("answer_accuracy", "hits@10", "citation_precision")
        if any(s.get(m) is not None for s in by_type.values())
    ]  # fmt: skip
    if by_type and series:
        types = list(by_type)
        fig, ax = plt.subplots(figsize=(max(5.0, 1.3 * len(types) + 2), 3.6))
        width = 0.8 / len(series)
        for i, metric in enumerate(series):
            xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(types))]
            ys = [by_type[t].get(metric) or 0.0 for t in types]
            ax.bar(xs, ys, width, label=metric)
        ax.set_xticks(range(len(types)))
        ax.set_xticklabels([f"{t}\n(n={by_type[t]['n']})" for t in types], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title("Accuracy by question type")
        written.append(save("accuracy_by_type.png", fig, ax))
    latencies = [float(r["latency_ms"]) for r in records if r.get("latency_ms") is not None]
    if latencies:
        fig, ax = plt.subplots(figsize=(5.5, 3.4))
        ax.hist(latencies, bins=min(30, max(5, len(latencies) // 3)), color="#4c72b0")
        for q, style in (("latency_ms_p50", "--"), ("latency_ms_p95", ":")):
            if summary.get(q) is not None:
                ax.axvline(summary[q], color="black", linestyle=style, label=q)
        what = "retrieval" if summary.get("meta", {}).get("retrieval_only") else "answer"
        ax.set_xlabel(f"{what} latency (ms)")
        ax.set_ylabel("questions")
        ax.set_title("Latency")
        written.append(save("latency.png", fig, ax))
    return written


def _markdown(summary: dict[str, Any], charts: list[str], wrong: list[dict[str, Any]]) -> str:
    meta = summary.get("meta", {})
    lines = [f"# Eval report: {meta.get('questions', '')}", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", "| metric | value | meaning |", "| --- | --- | --- |"]
    lines += [f"| {m} | {fmt(v)} | {METRIC_HELP.get(m, '')} |" for m, v in metric_rows(summary)]
    lines += ["", "## By question type", ""]
    header, rows = type_table(summary)
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines += [""] + [f"![{CHARTS.get(c, c)}]({c})" for c in charts]
    if wrong:
        lines += ["", f"## Wrong answers (first {len(wrong)})", ""]
        for r in wrong:
            expected = " / ".join(r.get("expected") or []) or "(refusal)"
            answer = (r.get("answer") or "").replace("\n", " ")
            lines.append(f"- **{r['question']}** expected: {expected}; got: {answer}")
    return "\n".join(lines) + "\n"


def _html(
    summary: dict[str, Any], charts: list[str], out: Path, wrong: list[dict[str, Any]]
) -> str:
    e = html.escape
    meta = summary.get("meta", {})
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Eval report</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
        "td{text-align:right}td:first-child{text-align:left}</style></head><body>",
        f"<h1>Eval report: {e(str(meta.get('questions', '')))}</h1><ul>",
        *(f"<li>{e(str(k))}: {e(str(v))}</li>" for k, v in meta.items()),
        "</ul><table><tr><th>metric</th><th>value</th></tr>",
        *(f"<tr><td>{e(m)}</td><td>{e(fmt(v))}</td></tr>" for m, v in metric_rows(summary)),
        "</table><h2>By question type</h2><table>",
    ]
    header, rows = type_table(summary)
    parts.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
    parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows]
    parts.append("</table>")
    for chart in charts:
        data = base64.b64encode((out / chart).read_bytes()).decode("ascii")
        parts.append(f"<h2>{e(CHARTS.get(chart, chart))}</h2>")
        parts.append(f"<img alt='{e(chart)}' src='data:image/png;base64,{data}'>")
    if wrong:
        parts.append(f"<h2>Wrong answers (first {len(wrong)})</h2><ul>")
        for r in wrong:
            expected = " / ".join(r.get("expected") or []) or "(refusal)"
            parts.append(
                f"<li><b>{e(r['question'])}</b><br>expected: {e(expected)}<br>"
                f"got: {e(r.get('answer') or '')}</li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(
    out_dir: str | Path, summary: dict[str, Any], records: Sequence[dict[str, Any]]
) -> dict[str, Path]:
    """Write records.jsonl, summary.json, charts, report.md and report.html into out_dir."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise AssistantError(
            f"Cannot create report folder {out} ({err.strerror}): pick another."
        ) from None
    with (out / "records.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    charts = _charts(summary, records, out)
    wrong = [r for r in records if r.get("verdicts", {}).get("correct") is False][:50]
    (out / "report.md").write_text(_markdown(summary, charts, wrong), encoding="utf-8")
    (out / "report.html").write_text(_html(summary, charts, out, wrong), encoding="utf-8")
    names = ["records.jsonl", "summary.json", "report.md", "report.html", *charts]
    return {name: out / name for name in names}
