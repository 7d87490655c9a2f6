"""The relation rules of the entailment check (assistant/entailment.py): what a claim may not
change about the passage sentence it is aligned to.

- polarity: negation cues, deny/confirm verbs and WordNet antonyms (assistant/lexicon.py);
- attachment: a number keeps the word it hangs on ("killed at least 21" where the passage has
  "killed at least six ... injured 21");
- roles: two names around a shared verb keep their order, a name keeps the noun it modifies
  ("Ukrainian forces" where the passage has "Russian forces");
- attribution: the same speaker ("Russia said" where "officials reported that Russia ...");
- hedges: no certainty the passage hedges ("could flood" is not "flooded").
Each rule returns one-line reasons; an empty list means the rule holds.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant import lexicon
from assistant.text import STOPWORDS, content_words, numbers, stem, words
from index.text import SCALES, TENS, UNITS

NEG_CUES = frozenset(["not", "no", "never", "without", "none", "nobody", "nothing", "neither", "nor", "cannot", "unable", "fail", "failed", "fails"])  # fmt: skip
REPORTING = frozenset(["argue", "argues", "argued", "contend", "contends", "contended", "say", "said", "says", "told", "tell", "report", "reported", "reports", "reporting", "claim", "claimed", "claims", "claiming", "state", "stated", "states", "announce", "announced", "announces", "wrote", "write", "writes", "note", "noted", "notes", "noting", "warn", "warned", "warns", "warning", "explain", "explains", "explained", "add", "added", "adds"])  # fmt: skip
# Words by which a claim calls something untrue: a denial in other words.
FALSITY = frozenset(["false", "untrue", "fiction", "fake", "baseless", "unfounded"])
# Speakers that are the cited article itself ("the article's headline says").
SELF = frozenset(["article", "articles", "headline", "title", "story", "report", "piece"])
PRONOUNS = frozenset(["it", "they", "he", "she", "we", "i", "you", "its", "their", "his", "her", "them", "this", "that", "who"])  # fmt: skip
QUANTIFIERS = frozenset(["at", "least", "about", "around", "nearly", "almost", "some", "roughly", "over", "more", "than"])  # fmt: skip
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]  # fmt: skip
# Words after which the actor comes second ("developed by Eisai", "collapsed because of").
PASSIVE = frozenset(["by", "because", "due", "after", "following"])
TEMPORAL_NAMES = frozenset(
    stem(w) for w in [*MONTHS, "monday", "tuesday", "wednesday", "thursday", "friday",
                      "saturday", "sunday"]
)  # fmt: skip


# The shared number words (index/text.py); a claim may also say "trillion".
_SCALES = {**SCALES, "trillion": 10**12}
_NUMBER_WORD = re.compile(
    r"\b(?:(?:" + "|".join([*UNITS, *TENS, "hundred", *_SCALES]) + r")\b[\s-]*(?:and\s+)?)+",
    re.I,
)
# Digits with a scale word or its abbreviation: "$3 billion", "$3B", "1.2 million", "600k".
_SCALED_DIGITS = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|trillion|k|m|mn|bn|b)\b", re.I
)
_ABBREVIATED = {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9}


def number_values(text: str) -> set[str]:
    """numbers() plus number words, a compound read as one number ("forty-five" is 45, not 40
    and 5; "five hundred forty-nine" is 549, not 5 and 549; "six hundred thousand" is 600000),
    and digits with a scale word also as their full value ("$3 billion" and "$3B" hold
    3000000000, as "three billion" does)."""
    compounds: list[int] = []
    rest = _NUMBER_WORD.sub(lambda m: _read_number(m, compounds), text)
    out = numbers(rest) | {str(v) for v in compounds}
    for m in _SCALED_DIGITS.finditer(text):
        scale = m.group(2).lower()
        value = float(m.group(1).replace(",", "")) * _SCALES.get(scale, _ABBREVIATED.get(scale, 1))
        if value == int(value):
            out.add(str(int(value)))
    return out


def _read_number(m: re.Match[str], into: list[int] | None = None) -> str:
    """A run of number words as digits ("five hundred forty-nine " -> "549 "), kept as written
    when it is a lone "one", "hundred" or scale word (mostly not a number: "one of the ...")."""
    toks = [t.lower() for t in re.findall(r"[A-Za-z]+", m.group(0)) if t.lower() != "and"]
    if len(toks) == 1 and toks[0] in ("one", "hundred", *_SCALES):
        return m.group(0)
    total = current = 0
    for t in toks:
        if t in _SCALES:
            total, current = total + max(current, 1) * _SCALES[t], 0
        elif t == "hundred":
            current = max(current, 1) * 100
        else:
            current += UNITS.get(t, 0) + TENS.get(t, 0)
    if into is not None:
        into.append(total + current)
        return " "  # its words are not also numbers of their own
    return f"{total + current} "


_MONTH_ABBREVIATION = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?=\s+\d)")
_MONTH_OF = {m[:3]: m for m in MONTHS}
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def tokens(text: str) -> list[str]:
    return list(_tokens(text))  # a list of its own: some rules edit theirs


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    # Number words as digits ("five hundred forty-nine" is one number) and months in full
    # ("Dec. 12" is "December 12"), so that both sides are read alike. Cached: one check
    # tokenizes the same claim and passage sentences for every rule.
    text = _NUMBER_WORD.sub(_read_number, text.replace("’", "'"))
    # "600,000 customers" is one number next to its noun, not "600" and "000".
    text = _THOUSANDS.sub("", text)
    text = _MONTH_ABBREVIATION.sub(lambda m: _MONTH_OF[m.group(1)[:3].lower()], text)
    return tuple(words(text))


def follow(toks: list[str], i: int) -> str:
    """The word after toks[i], looking past "and" ("Gilead and Biogen")."""
    nxt = toks[i + 1 : i + 3]
    if nxt and nxt[0].lower() == "and":
        nxt = nxt[1:]
    return nxt[0] if nxt else ""


def is_name(tok: str, first: bool, ctx_text: str, following: str = "") -> bool:
    if not tok[:1].isupper() or tok.lower() in STOPWORDS or tok.lower() in PRONOUNS:
        return False
    # A capitalised first word is a name if it is a demonym ("Ukrainian forces") or the
    # passage capitalises it mid-sentence.
    if first and re.search(r"(?:ian|ean|ese|ish)$", tok):
        return True
    if first and following[:1].isupper() and not lexicon.is_word(tok):
        return True  # "Gilead and Biogen", "Dave Clark"; not "Former Amazon"
    if first and (re.search(r"[a-z][A-Z]", tok) or re.search(r"[a-z]'s$", tok)):
        return True  # spelled as a name: "GitHub", "Flexport's round" (a possessive owner)
    return not first or re.search(rf"(?<![.!?]\s)\b{re.escape(tok)}\b", ctx_text) is not None


# Auxiliaries, light verbs and particles: WordNet gives them antonyms in senses news rarely
# uses ("have" is in a synset with "accept", the opposite of "reject"; "set up", "went back",
# "last year"), so they neither carry nor meet an opposite.
_LIGHT = frozenset(["has", "have", "had", "having", "get", "gets", "got", "take", "takes", "took", "make", "makes", "made", "go", "goes", "went", "come", "came", "set", "put", "up", "down", "out", "off", "back", "front", "last", "first", "next"])  # fmt: skip


def _deny(toks: list[str], i: int) -> bool:
    """Whether toks[i] is a deny verb: "declined to comment", not "a 75% decline in"."""
    low = toks[i].lower()
    if low.startswith(("turn", "rule")) and toks[i + 1 : i + 2] in (["down"], ["out"]):
        return lexicon.base_forms(low) & {"turn", "rule"} != set()  # "turned down the offer"
    if not lexicon.is_deny(toks[i]):
        return False
    if toks[i].lower().startswith("declin"):
        return i + 1 < len(toks) and toks[i + 1].lower() in ("to", "comment", "an", "the")
    return True


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
        elif lexicon.is_cease(low):
            neg = True  # "had stopped targeting" negates the targeting
    return neg, reversed_deny


def polarity(claim: str, span: str) -> list[str]:
    out = []
    ct, st = tokens(claim), tokens(span)
    c_neg, c_rev = _negated(ct)
    s_neg, _ = _negated(st)
    c_deny = any(_deny(ct, i) for i in range(len(ct)) if i not in c_rev)
    c_deny = c_deny or any(t.lower() in FALSITY for t in ct)
    c_affirm = bool(c_rev) or any(lexicon.is_affirm(t) for t in ct)
    s_deny = any(_deny(st, i) for i in range(len(st)))
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
        scope = _deny_scope(span) - {stem(w) for w in ("report", "reports", "claims", "claim")}
        if scope & content_words(claim):
            out.append("the passage denies or declines what the claim asserts")
    if c_deny and not (s_neg or s_deny) and not c_rev:
        scope = _deny_scope(claim) - {stem(w) for w in ("report", "reports", "claims", "claim")}
        if len(scope & content_words(span)) >= 2:
            out.append("the claim denies what the passage asserts")
    if s_neg and not (c_neg or c_deny):
        scope = _neg_scope(st)
        if len(scope & content_words(claim)) >= 2:
            out.append("the passage negates what the claim asserts")
    span_words = {w.lower() for w in st}
    # A word after "a"/"an" is a noun ("took a loan"): its verb's antonym ("borrowed") is
    # the same event seen from the other side, not its opposite.
    span_verbs = {
        w.lower() for i, w in enumerate(st) if not (i and st[i - 1].lower() in ("a", "an"))
    }
    span_stems = {stem(w) for w in st}
    span_bases = {b for w in span_words for b in lexicon.base_forms(w)}
    span_verbs -= _LIGHT
    for w in {
        t.lower()
        for t in ct
        if t.lower() not in STOPWORDS | _LIGHT or t.lower() in ("more", "most")
    }:
        if stem(w) in span_stems or w in span_words or lexicon.base_forms(w) & span_bases:
            continue  # the passage's own word, inflected ("laid off" for "laying off")
        hit = next((v for v in span_verbs if lexicon.opposite(w, v)), None)
        if hit:
            out.append(f"“{w}” is the opposite of the passage's “{hit}”")
    return out


def _deny_scope(text: str) -> set[str]:
    """The words a deny verb governs, up to the next punctuation ("declined to comment on")."""
    scope: set[str] = set()
    for clause in re.split(r"[,;:.“”\"()]", text):
        toks = tokens(clause)
        for i in range(len(toks)):
            if _deny(toks, i):
                scope |= {stem(x) for x in toks[i + 1 : i + 4] if x.lower() not in STOPWORDS}
    return scope


def _neg_scope(tokens: list[str]) -> set[str]:
    scope: set[str] = set()
    for i, t in enumerate(tokens):
        if t.lower() in NEG_CUES or t.lower().endswith("n't") or lexicon.is_cease(t):
            scope |= {stem(x) for x in tokens[i + 1 : i + 5] if x.lower() not in STOPWORDS}
    return scope


# Ordinals keep their noun too ("the fourth Thursday" is not "the third Thursday").
_ORDINALS = {w: i for i, w in enumerate(["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1)}  # fmt: skip


def _number_neighbours(tokens: list[str], skip_of: bool = True) -> list[tuple[str, str, str]]:
    """(number, word before it, word after it) skipping quantifiers like "at least"."""
    out: list[tuple[str, str, str]] = []
    for i, t in enumerate(tokens):
        vals = (
            number_values(t)
            if t[:1].isdigit() or t.lower() in UNITS or t.lower() in TENS
            else {f"#{_ORDINALS[t.lower()]}"}
            if t.lower() in _ORDINALS
            else set()
        )
        if not vals:
            continue
        j = i - 1
        while j >= 0 and tokens[j].lower() in QUANTIFIERS:
            j -= 1
        if (
            skip_of
            and j >= 1
            and tokens[j].lower() == "of"
            and tokens[j - 1].lower() not in STOPWORDS
        ):
            j -= 1  # "a median of 4.5 hours": the number hangs on "median"
        before = stem(tokens[j]) if j >= 0 and tokens[j].lower() not in STOPWORDS else ""
        after = (
            stem(tokens[i + 1])
            if i + 1 < len(tokens) and tokens[i + 1].lower() not in STOPWORDS
            else ""
        )
        out.extend((v, before, after) for v in vals)
    return out


def _base(word_stem: str) -> str:
    """One spelling per word for attachment: the shortest WordNet base form of a stem."""
    return min(lexicon.base_forms(word_stem), key=lambda w: (len(w), w)) if word_stem else ""


def _stretches(text: str) -> list[list[str]]:
    text = _THOUSANDS.sub("", text)  # "600,000" is no stretch boundary
    return [t for t in (tokens(x) for x in re.split(r"[:;,()“”\"—–]", text)) if t]


def attachment(claim: str, span: str) -> list[str]:
    """The word a number hangs on must hang on the same number in the passage (within one
    punctuation-free stretch: "the top 10: Google Search at No. 7" hangs no Google on 10)."""
    c = [x for part in _stretches(claim) for x in _number_neighbours(part)]
    s = [x for part in _stretches(span) for x in _number_neighbours(part)]
    # Inflections are the same word ("spent 10 minutes" / "spending 18 minutes").
    c = [(n, _base(b), _base(a)) for n, b, a in c]
    s = [(n, _base(b), _base(a)) for n, b, a in s]
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


def verb_numbers(claim: str, passage: str) -> list[str]:
    """A number the claim hangs on a verb ("launched 84") must not be one the passage hangs
    on another verb while giving this verb its own number ("intercepted 84 ... launched 145"):
    over the whole passage, since the verb's own number may stand in the next sentence."""
    c = _number_neighbours(tokens(claim), skip_of=False)
    p = _number_neighbours(tokens(passage), skip_of=False)
    out = []
    for num, before, _ in c:
        if not before or not lexicon.is_verb(before) or not before.isalpha():
            continue
        own = {n for n, b, _ in p if b == before}
        if own and num not in own and any(n == num and b and b != before for n, b, _ in p):
            out.append(f"“{before} {num}” where the passage has “{before} {sorted(own)[0]}”")
    return out


_DETERMINERS = frozenset(
    ["the", "a", "an", "these", "those", "this", "that", "of", "his", "her", "its", "their", "such"]
)


def _reports(tokens: list[str], i: int) -> bool:
    """Whether tokens[i] is a reporting, deny or confirm verb (not "the reports")."""
    low = tokens[i].lower()
    if not (low in REPORTING or lexicon.is_deny(low) or lexicon.is_affirm(low)):
        return False
    return not (i and tokens[i - 1].lower() in _DETERMINERS)


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
        elif _reports(tokens, i):
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
    for i in range(len(tokens)):
        if _reports(tokens, i):
            return i
    return len(tokens)


def attribution(claim: str, span: str, before: str, source: str) -> list[str]:
    ct = tokens(claim)
    who, found = _speakers(ct)
    if not found or not who:
        return []
    # The claim's speaker is the reporter of its first reporting verb only, or the words
    # between "according to" and the comma ("According to Bloomberg, Altman had ...").
    first = _first_report(ct)
    m = re.search(r"\baccording to ([^,.;:]+)", claim, re.I)
    # A speaker after the claim ("..., the Kremlin confirmed."): the words after the comma.
    post = re.search(r",\s*([^,]{2,40}?)\s+(\w+)[.!]?$", claim.rstrip())
    if m:
        who = {stem(x) for x in tokens(m.group(1)) if x.lower() not in STOPWORDS}
    elif post and _reports(tokens(post.group(2)), 0):
        who = {stem(x) for x in tokens(post.group(1)) if x.lower() not in STOPWORDS}
    else:
        who = {
            stem(x)
            for x in ct[max(0, first - 6) : first]
            if x.lower() not in STOPWORDS and x.lower() not in PRONOUNS
        }
    if not who or who & {stem(w) for w in SELF}:
        return []
    st = tokens(span)
    s_who, s_found = _speakers(st)
    s_who |= {stem(x) for x in st[: _first_report(st)] if x.lower() not in STOPWORDS}
    allowed = s_who | {stem(w) for w in tokens(source)}
    if "*" in s_who or not s_found or not (s_who - {stem(w) for w in st[: _first_report(st)]}):
        allowed |= {stem(w) for w in tokens(span + " " + before)}
    if who & allowed or any(len(w) >= 5 and w[:5] in {a[:5] for a in allowed} for w in who):
        return []  # "Russia says" where "Russian forces claim": the same side
    return [f"the claim attributes it to {' '.join(sorted(who))}, the passage does not"]
