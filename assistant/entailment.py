"""Is a claim entailed by the passage sentence it rests on? Alignment plus relation rules.

The overlap test of citations.py (every name and number somewhere in the passage, enough of
the words nearby) passes a sentence that rearranges the passage's own words into a falsehood.
Here the claim is first aligned to the passage sentence that should support it (each clause
of a merged claim to its own sentence), then checked against that sentence only:
- numbers and the claim's actor (its leading names, or the agent after "by") stand in the
  aligned sentence; other names in it, the two sentences before it or the article's metadata;
- numbers keep their attachment ("killed at least 21" where the passage has "killed at least
  six ... injured 21"), names keep their order around a shared verb and their noun
  ("Ukrainian forces" where the passage has "Russian forces");
- the same speaker ("Russia said" where "officials reported that Russia launched");
- the same polarity: negation cues, deny/confirm verbs and WordNet antonyms (lexicon.py);
- quoted words verbatim, relative dates as the passage has them (or as its article date
  resolves them), and no certainty the passage hedges ("could flood" is not "flooded").
Each failed rule is returned as a one-line reason; an empty list means entailed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant import lexicon
from assistant.text import STOPWORDS, content_words, is_complete, numbers, sentences, stem, words

NEG_CUES = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "cannot",
        "unable",
        "fail",
        "failed",
        "fails",
    ]
)
HEDGES = frozenset(
    ["could", "may", "might", "would", "potential", "potentially", "possible", "possibly"]
)
REPORTING = frozenset(
    [
        "say",
        "said",
        "says",
        "told",
        "tell",
        "report",
        "reported",
        "reports",
        "reporting",
        "claim",
        "claimed",
        "claims",
        "claiming",
        "state",
        "stated",
        "states",
        "announce",
        "announced",
        "announces",
        "wrote",
        "write",
        "writes",
        "note",
        "noted",
        "notes",
        "noting",
        "warn",
        "warned",
        "warns",
        "warning",
        "explain",
        "explains",
        "explained",
        "add",
        "added",
        "adds",
    ]
)
# Words by which a claim itself conveys doubt, so it does not overstate a hedged passage.
UNCERTAIN = frozenset(
    [
        "research",
        "unclear",
        "uncertain",
        "unknown",
        "whether",
        "if",
        "risk",
        "risks",
        "fear",
        "fears",
        "warn",
        "warned",
    ]
)
# Speakers that are the cited article itself ("the article's headline says").
SELF = frozenset(["article", "articles", "headline", "title", "story", "report", "piece"])
PRONOUNS = frozenset(
    [
        "it",
        "they",
        "he",
        "she",
        "we",
        "i",
        "you",
        "its",
        "their",
        "his",
        "her",
        "them",
        "this",
        "that",
        "who",
    ]
)
QUANTIFIERS = frozenset(
    [
        "at",
        "least",
        "about",
        "around",
        "nearly",
        "almost",
        "some",
        "roughly",
        "over",
        "more",
        "than",
    ]
)
TEMPORAL = re.compile(
    r"\b(yesterday|today|tonight|tomorrow|(?:last|this|next|past) (?:week|month|year|weekend)"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.I,
)
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_QUOTE_RE = re.compile(r"“([^”]{3,})”|\"([^\"]{3,})\"")
_CLAUSE_RE = re.compile(r",?\s+(?:and|but|while|whereas|although|though)\s+|;\s+|,\s+")
_UNITS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}  # fmt: skip
_TENS = {w: 10 * i for i, w in enumerate(["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]) if w != "_"}  # fmt: skip


@dataclass
class Context:
    """What a claim is checked against: the passage and its article's metadata."""

    passage: str
    title: str = ""
    source: str = ""
    published_at: str | None = None
    sents: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sents = sentences(self.passage) or [self.passage]

    @property
    def year(self) -> int | None:
        m = re.match(r"(\d{4})", self.published_at or "")
        return int(m.group(1)) if m else None

    def metadata_terms(self) -> set[str]:
        """Stems and numbers the citation itself supports: outlet, title, date."""
        out = {stem(w) for w in words(f"{self.source} {self.title}")}
        out |= number_values(self.title)
        if self.published_at:
            m = re.match(r"(\d{4})-(\d{2})-(\d{2})", self.published_at)
            if m:
                y, mo, d = (int(x) for x in m.groups())
                out |= {str(y), str(d), stem(MONTHS[mo - 1])}
        return out


def number_values(text: str) -> set[str]:
    """numbers() plus compound number words ("forty-five", "one hundred twenty-one")."""
    out = numbers(text)
    toks = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    i = 0
    while i < len(toks):
        total, j, seen = 0, i, False
        while j < len(toks) and (toks[j] in _UNITS or toks[j] in _TENS or toks[j] == "hundred"):
            total = total * 100 if toks[j] == "hundred" else total + _UNITS.get(toks[j], 0)
            total += _TENS.get(toks[j], 0)
            seen, j = True, j + 1
        if seen and j - i > 1:
            out.add(str(total))
        i = max(j, i + 1)
    return out


def _tokens(text: str) -> list[str]:
    return [w for w in words(text.replace("’", "'"))]


def _is_name(tok: str, first: bool, ctx_text: str) -> bool:
    if not tok[:1].isupper() or tok.lower() in STOPWORDS or tok.lower() in PRONOUNS:
        return False
    # A capitalised first word is a name if it is a demonym ("Ukrainian forces") or the
    # passage capitalises it mid-sentence.
    if first and re.search(r"(?:ian|ean|ese|ish)$", tok):
        return True
    return not first or re.search(rf"(?<![.!?]\s)\b{re.escape(tok)}\b", ctx_text) is not None


def align(claim: str, ctx: Context) -> tuple[int, float]:
    """Index of the passage sentence (or -1 for the title) sharing most of the claim's words,
    and that share."""
    c = content_words(claim) | number_values(claim)
    if not c:
        return 0, 0.0
    best = (0, -1.0)
    cands = [(-1, ctx.title)] if ctx.title else []
    for i, s in [*enumerate(ctx.sents), *cands]:
        share = len(c & (content_words(s) | number_values(s))) / len(c)
        if share > best[1] + 1e-9:
            best = (i, share)
    return best


def _clauses(claim: str) -> list[str]:
    parts = [p for p in _CLAUSE_RE.split(claim) if p and p.strip()]
    ok = [p for p in parts if len(content_words(p)) >= 3]
    return ok if len(ok) == len(parts) and len(ok) > 1 else [claim]


def _actor_names(claim: str, ctx_text: str) -> set[str]:
    """Stems of the claim's leading names (its subject) and of names right after "by"."""
    toks = _tokens(claim)
    out: set[str] = set()
    for i, tok in enumerate(toks):
        if _is_name(tok, i == 0, ctx_text):
            out.add(stem(tok))
        elif tok.lower() not in STOPWORDS:
            break
    for i, tok in enumerate(toks[:-1]):
        if tok.lower() == "by" and _is_name(toks[i + 1], False, ctx_text):
            out.add(stem(toks[i + 1]))
    return out


def _all_names(claim: str, ctx_text: str) -> set[str]:
    toks = _tokens(claim)
    return {stem(t) for i, t in enumerate(toks) if _is_name(t, i == 0, ctx_text)}


def contradictions(claim: str, ctx: Context) -> list[str]:
    """Why the passage does not entail the claim (empty when it does)."""
    reasons: list[str] = []
    meta = ctx.metadata_terms()
    aligned: list[int] = []
    for clause in _clauses(claim):
        i, _ = align(clause, ctx)
        aligned.append(i)
    span_parts = [ctx.title if i < 0 else ctx.sents[i] for i in sorted(set(aligned))]
    span = " ".join(span_parts)
    first = max(0, min(aligned))
    context = " ".join(ctx.sents[max(0, first - 2) : first]) + " " + ctx.title
    span_stems = {stem(w) for w in _tokens(span)}
    ctx_stems = {stem(w) for w in _tokens(context)} | meta
    # Numbers: in the aligned sentence(s), or from the article's date and title.
    span_nums = number_values(span) | _resolved_years(span, ctx)
    for n in sorted(number_values(claim) - span_nums - meta):
        reasons.append(f"number {n} is not in the aligned sentence")
    # The actor must be in the aligned sentence; other names may come from just before it.
    heading = ctx.sents[first - 1] if first >= 1 and not is_complete(ctx.sents[first - 1]) else ""
    span_stems_h = span_stems | {stem(w) for w in _tokens(heading)}
    for name in sorted(_actor_names(claim, ctx.passage) - span_stems_h - meta):
        reasons.append(f"actor {name} is not in the aligned sentence")
    others = _all_names(claim, ctx.passage) - _actor_names(claim, ctx.passage)
    for name in sorted(others - span_stems - ctx_stems):
        reasons.append(f"name {name} is not in the aligned sentence or just before it")
    reasons += _quotes(claim, ctx.passage)
    reasons += _temporal(claim, span, ctx)
    reasons += _polarity(claim, span)
    reasons += _attachment(claim, span)
    reasons += _roles(claim, span, ctx.passage)
    reasons += _attribution(claim, span, " ".join(ctx.sents[max(0, first - 1) : first]), ctx)
    reasons += _hedges(claim, span)
    return reasons


def _norm_quotes(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"[^a-z0-9']+", " ", text.lower()).strip()


def _quotes(claim: str, passage: str) -> list[str]:
    out = []
    for m in _QUOTE_RE.finditer(claim):
        quoted = _norm_quotes(m.group(1) or m.group(2))
        if quoted and quoted not in _norm_quotes(passage):
            out.append(f"quote “{quoted}” is not verbatim in the passage")
    return out


def _resolved_years(span: str, ctx: Context) -> set[str]:
    year = ctx.year
    if year is None:
        return set()
    low = span.lower()
    out = set()
    if "this year" in low:
        out.add(str(year))
    if "last year" in low:
        out.add(str(year - 1))
    return out


def _temporal(claim: str, span: str, ctx: Context) -> list[str]:
    out = []
    span_low = span.lower()
    for m in TEMPORAL.finditer(claim):
        expr = m.group(0).lower()
        if expr in span_low:
            continue
        if expr == "this year" and ctx.year and str(ctx.year) in span:
            continue
        out.append(f"“{expr}” is not what the passage says")
    return out


def _negated(tokens: list[str]) -> tuple[bool, set[int]]:
    """Whether tokens hold a negation cue, and the positions of deny verbs it reverses."""
    neg = False
    reversed_deny: set[int] = set()
    for i, t in enumerate(tokens):
        low = t.lower()
        if low in NEG_CUES or low.endswith("n't"):
            nxt = next((j for j in range(i + 1, min(i + 3, len(tokens)))), None)
            if nxt is not None and lexicon.is_deny(tokens[nxt]):
                reversed_deny.add(nxt)  # "did not deny" affirms
            else:
                neg = True
        elif low == "longer" and i and tokens[i - 1].lower() == "no":
            neg = True
    return neg, reversed_deny


def _polarity(claim: str, span: str) -> list[str]:
    out = []
    ct, st = _tokens(claim), _tokens(span)
    c_neg, c_rev = _negated(ct)
    s_neg, _ = _negated(st)
    c_deny = any(lexicon.is_deny(t) for i, t in enumerate(ct) if i not in c_rev)
    c_affirm = bool(c_rev) or any(lexicon.is_affirm(t) for t in ct)
    s_deny = any(lexicon.is_deny(t) for t in st)
    s_affirm = any(lexicon.is_affirm(t) for t in st)
    if c_neg and not (s_neg or s_deny):
        out.append("the claim is negated, the passage is not")
    if c_affirm and s_deny and not s_affirm:
        out.append("the claim confirms what the passage denies")
    if c_deny and s_affirm and not s_deny:
        out.append("the claim denies what the passage confirms")
    if s_deny and not (c_neg or c_deny):
        # "declined to comment" is not "commented"; "denied the reports" leaves the reports'
        # content open, so report-like objects do not count.
        scope = _deny_scope(st) - {stem(w) for w in ("report", "reports", "claims", "claim")}
        if scope & content_words(claim):
            out.append("the passage denies or declines what the claim asserts")
    if s_neg and not (c_neg or c_deny):
        scope = _neg_scope(st)
        if len(scope & content_words(claim)) >= 2:
            out.append("the passage negates what the claim asserts")
    span_words = {w.lower() for w in st}
    span_stems = {stem(w) for w in st}
    for w in {t.lower() for t in ct if t.lower() not in STOPWORDS or t.lower() in ("more", "most")}:
        if stem(w) in span_stems or w in span_words:
            continue
        hit = next((v for v in span_words if lexicon.opposite(w, v)), None)
        if hit:
            out.append(f"“{w}” is the opposite of the passage's “{hit}”")
    return out


def _deny_scope(tokens: list[str]) -> set[str]:
    scope: set[str] = set()
    for i, t in enumerate(tokens):
        if lexicon.is_deny(t):
            scope |= {stem(x) for x in tokens[i + 1 : i + 4] if x.lower() not in STOPWORDS}
    return scope


def _neg_scope(tokens: list[str]) -> set[str]:
    scope: set[str] = set()
    for i, t in enumerate(tokens):
        if t.lower() in NEG_CUES or t.lower().endswith("n't"):
            scope |= {stem(x) for x in tokens[i + 1 : i + 5] if x.lower() not in STOPWORDS}
    return scope


def _number_neighbours(tokens: list[str]) -> list[tuple[str, str, str]]:
    """(number, word before it, word after it) skipping quantifiers like "at least"."""
    out: list[tuple[str, str, str]] = []
    for i, t in enumerate(tokens):
        vals = (
            number_values(t)
            if t[:1].isdigit() or t.lower() in _UNITS or t.lower() in _TENS
            else set()
        )
        if not vals:
            continue
        j = i - 1
        while j >= 0 and tokens[j].lower() in QUANTIFIERS:
            j -= 1
        before = stem(tokens[j]) if j >= 0 and tokens[j].lower() not in STOPWORDS else ""
        after = (
            stem(tokens[i + 1])
            if i + 1 < len(tokens) and tokens[i + 1].lower() not in STOPWORDS
            else ""
        )
        out.extend((v, before, after) for v in vals)
    return out


def _attachment(claim: str, span: str) -> list[str]:
    """The word a number hangs on must hang on the same number in the passage."""
    c = _number_neighbours(_tokens(claim))
    s = _number_neighbours(_tokens(span))
    out = []
    for num, before, after in c:
        for snum, sbefore, safter in s:
            if snum == num:
                continue
            if before and before == sbefore and not any(x[0] == num and x[1] == before for x in s):
                out.append(f"“{before} {num}” where the passage has “{sbefore} {snum}”")
            elif after and after == safter and not any(x[0] == num and x[2] == after for x in s):
                out.append(f"“{num} {after}” where the passage has “{snum} {safter}”")
    return out


def _plain(tok: str) -> bool:
    """A content word that is not capitalised (a name cannot be the verb two names share)."""
    return tok.lower() not in STOPWORDS and not tok[:1].isupper()


def _roles(claim: str, span: str, passage: str) -> list[str]:
    """Who did what to whom: two names around a shared word keep their order, and a name
    keeps the noun it modifies."""
    ct, st = _tokens(claim), _tokens(span)
    c_names = [(i, stem(t)) for i, t in enumerate(ct) if _is_name(t, i == 0, passage)]
    s_pos: dict[str, int] = {}
    for i, t in enumerate(st):
        s_pos.setdefault(stem(t), i)
    out = []
    c_low = [t.lower() for t in ct]
    for a_i, a in c_names:
        for b_i, b in c_names:
            if b_i <= a_i + 1 or a == b or a not in s_pos or b not in s_pos:
                continue
            if s_pos[b] >= s_pos[a] or "by" in c_low[a_i:b_i]:
                continue
            between_c = {stem(x) for x in ct[a_i + 1 : b_i] if _plain(x)}
            between_s = {stem(x) for x in st[s_pos[b] + 1 : s_pos[a]] if _plain(x)}
            shared = (between_c & between_s) - {a, b}
            if shared:
                out.append(f"{a} and {b} swap roles around “{sorted(shared)[0]}”")
    s_stems = [stem(t) for t in st]
    s_names = {i for i, t in enumerate(st) if _is_name(t, i == 0, passage)}
    for a_i, a in c_names:
        if (
            a_i + 1 >= len(ct)
            or ct[a_i + 1].lower() in STOPWORDS
            or _is_name(ct[a_i + 1], False, passage)
            or ct[a_i].lower().endswith("'s")  # possessives own, they do not modify
            or ct[a_i + 1].lower() in REPORTING
            or ct[a_i + 1].lower().endswith(("ed", "ing"))  # a verb, not a modified noun
            or lexicon.is_deny(ct[a_i + 1])
            or lexicon.is_affirm(ct[a_i + 1])
        ):
            continue
        noun = stem(ct[a_i + 1])
        mods = {
            s_stems[j]
            for k, x in enumerate(s_stems)
            if x == noun
            for j in range(max(0, k - 2), k)
            if j in s_names
        }
        # "Ukrainian officials" and "Ukraine's ... officials" name the same side.
        if mods and not any(m[:5] == a[:5] for m in mods):
            out.append(f"“{a} {noun}” where the passage has “{sorted(mods)[0]} {noun}”")
    return out


def _speakers(tokens: list[str]) -> tuple[set[str], bool]:
    """Stems of who speaks (words before a reporting verb, or after "according to"), and
    whether any reporting verb was found."""
    out: set[str] = set()
    found = False
    for i, t in enumerate(tokens):
        low = t.lower()
        if low == "according" and i + 1 < len(tokens) and tokens[i + 1].lower() == "to":
            found = True
            out |= {stem(x) for x in tokens[i + 2 : i + 8] if x.lower() not in STOPWORDS}
        elif low in REPORTING or lexicon.is_deny(low) or lexicon.is_affirm(low):
            found = True
            out |= {
                stem(x)
                for x in tokens[max(0, i - 6) : i]
                if x.lower() not in STOPWORDS and x.lower() not in PRONOUNS
            }
            if any(x.lower() in PRONOUNS for x in tokens[max(0, i - 2) : i]):
                out.add("*")  # "they say": anyone named nearby may be the speaker
    return out, found


def _first_report(tokens: list[str]) -> int:
    for i, t in enumerate(tokens):
        if t.lower() in REPORTING or lexicon.is_deny(t) or lexicon.is_affirm(t):
            return i
    return len(tokens)


def _attribution(claim: str, span: str, before: str, ctx: Context) -> list[str]:
    ct = _tokens(claim)
    who, found = _speakers(ct)
    if not found or not who:
        return []
    # The claim's speaker is the reporter of its first reporting verb only.
    first = _first_report(ct)
    if "according" not in [t.lower() for t in ct]:
        who = {
            stem(x)
            for x in ct[max(0, first - 6) : first]
            if x.lower() not in STOPWORDS and x.lower() not in PRONOUNS
        }
    if not who or who & {stem(w) for w in SELF}:
        return []
    st = _tokens(span)
    s_who, s_found = _speakers(st)
    s_who |= {stem(x) for x in st[: _first_report(st)] if x.lower() not in STOPWORDS}
    allowed = s_who | {stem(w) for w in _tokens(ctx.source)}
    if "*" in s_who or not s_found:
        allowed |= {stem(w) for w in _tokens(span + " " + before)}
    if who & allowed:
        return []
    return [f"the claim attributes it to {' '.join(sorted(who))}, the passage does not"]


def _hedges(claim: str, span: str) -> list[str]:
    """A claim may not state as done what the passage only says could happen."""
    ct = {t.lower() for t in _tokens(claim)}
    if ct & (HEDGES | UNCERTAIN):
        return []
    st = _tokens(span)
    scope: set[str] = set()
    for i, t in enumerate(st):
        if t.lower() in HEDGES:
            scope |= {stem(x) for x in st[i + 1 : i + 5] if x.lower() not in STOPWORDS}
    hit = scope & {stem(t) for t in ct if t not in STOPWORDS} - {"result", "lead"}
    return [f"the passage only says “{sorted(hit)[0]}” could happen"] if hit else []
