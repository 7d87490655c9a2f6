"""The LLM verification pass: after the offline check, one extra call judges each kept
sentence against the passages it cites (TREC-RAG style: supported / partly / not supported).

The offline rules run first and stay authoritative for what they drop; the judge can only drop
more ("not supported"). A reply that is not the JSON asked for leaves the offline verdict
standing, and is recorded as such on the Answer (`Answer.judge`). On by default with the openai
backend (`ASSISTANT_CHECK__JUDGE=false` turns it off); the local 135M model is not asked, since
its verdicts are near random.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from assistant.citations import CheckResult, _with_markers
from assistant.settings import Settings
from index.errors import AssistantError
from index.retrieval import Hit
from prompts import render

VERDICTS = ("supported", "partly", "not supported")
_JSON_RE = re.compile(r"\{.*\}", re.S)


def judge_enabled(settings: Settings) -> bool:
    """The setting, or on exactly when the answers come from the openai backend."""
    if settings.check.judge is not None:
        return settings.check.judge
    return settings.resolved_llm() == "openai"


def verify_prompt(kept: list[tuple[str, list[int]]], passages: list[Hit]) -> str:
    blocks = []
    for i, (claim, ns) in enumerate(kept, 1):
        cited = "\n".join(
            f"[{n}] {passages[n - 1].chunk.text.strip()}" for n in ns if 1 <= n <= len(passages)
        )
        blocks.append(f"Claim {i}: {claim}\nCited passage(s):\n{cited}")
    return render("verify", claims="\n\n".join(blocks))


def parse_verdicts(reply: str | None, n_claims: int) -> list[str] | None:
    """One verdict per claim, or None when the reply is not the JSON asked for."""
    if not reply:
        return None
    match = _JSON_RE.search(reply)
    if match is None:
        return None
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    items = data.get("verdicts") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    out: list[str | None] = [None] * n_claims
    for item in items:
        if not isinstance(item, dict):
            return None
        i, verdict = item.get("claim"), str(item.get("verdict", "")).strip().lower()
        if not isinstance(i, int) or not 1 <= i <= n_claims or verdict not in VERDICTS:
            return None
        out[i - 1] = verdict
    if any(v is None for v in out):
        return None
    return [str(v) for v in out]


def judge(
    complete: Callable[[str], str | None], result: CheckResult, passages: list[Hit]
) -> tuple[CheckResult, dict[str, Any]]:
    """The result without the sentences the judge found not supported, and the record of
    the pass for Answer.judge: {"status": ok|invalid|error, "verdicts": [...]}."""
    claims = [(c, ns) for c, ns in result.kept if ns]
    if not claims:
        return result, {"status": "skipped", "verdicts": []}
    try:
        reply = complete(verify_prompt(claims, passages))
    except AssistantError as err:
        return result, {"status": "error", "message": str(err), "verdicts": []}
    verdicts = parse_verdicts(reply, len(claims))
    if verdicts is None:
        return result, {"status": "invalid", "verdicts": []}
    by_claim = {c: v for (c, _), v in zip(claims, verdicts, strict=True)}
    record = [{"sentence": c, "verdict": v} for (c, _), v in zip(claims, verdicts, strict=True)]
    kept = [(c, ns) for c, ns in result.kept if by_claim.get(c) != "not supported"]
    dropped = [c for c, _ in claims if by_claim[c] == "not supported"]
    if kept and not any(ns for _, ns in kept):
        kept = []  # a bare "Yes." cannot stand once its claim is gone
    text = " ".join(_with_markers(c, ns) for c, ns in kept)
    reasons = dict(result.reasons)
    reasons.update({c: ["the LLM judge found it not supported"] for c in dropped})
    new = CheckResult(
        text=text,
        kept=kept,
        dropped=[*result.dropped, *dropped],
        repaired=result.repaired,
        reasons=reasons,
    )
    return new, {"status": "ok", "verdicts": record}
