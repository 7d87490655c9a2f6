"""Who did what to whom (issue 15): the role rules of the entailment check.

- roles: two names around a shared word keep their order, a name keeps the noun it modifies
  ("Ukrainian forces" where the passage has "Russian forces") and the name after "<word>
  <preposition>" ("aid to Russia" where the passage has "aid to Ukraine");
- subject_swap: the claim's subject must be the subject of the same verb in the aligned
  passage sentence.

A claim that keeps every name and word of its passage sentence can still swap who acted
("Google has declined to use ..." where the passage has "..., which Epic has declined to
use"; "Tottenham came from behind" where "the Blues came from behind"). Without a parser,
the subject is read off the words, within one comma-free stretch: the claim's leading names,
then its first verb past auxiliaries and adverbs; in the aligned passage sentence, the names
just before the same verb (past the same auxiliaries and a title: "Kremlin spokesperson
Dmitry Peskov denied"), or the agent after "by" where the verb is passive.
"""

from __future__ import annotations

import re

from assistant import lexicon
from assistant.relations import (
    PASSIVE,
    PRONOUNS,
    REPORTING,
    TEMPORAL_NAMES,
    follow,
    is_name,
    stem,
    tokens,
)
from assistant.role_frames import is_verb_at
from assistant.text import STOPWORDS

_BE = frozenset(["is", "are", "was", "were", "be", "been", "being"])
# Words between a subject and its verb that change neither ("has also declined").
_SKIP = _BE | frozenset(
    ["has", "have", "had", "will", "would", "shall", "can", "could", "may", "might", "must",
     "also", "now", "then", "already", "reportedly", "allegedly", "still", "just", "since",
     "later", "first", "again", "previously", "initially", "eventually", "soon", "finally"]
)  # fmt: skip
_CONNECT = frozenset(["of", "the", "and"])
_SEGMENT = re.compile(r"[,;:()“”\"—–]|\s-\s")


def _segments(text: str) -> list[list[str]]:
    return [t for t in (tokens(x) for x in _SEGMENT.split(text)) if t]


def _lead_names(ct: list[str], passage: str) -> tuple[set[str], int]:
    """Stems of the claim's leading names ("Russia's Ministry of Defense") and the index of
    the first word after them; an empty set where the claim does not open with a name."""
    i = 1 if ct[:1] and ct[0].lower() == "the" else 0
    names: set[str] = set()
    while i < len(ct):
        tok = ct[i]
        nxt = ct[i + 1] if i + 1 < len(ct) else ""
        if is_name(tok, i == 0, passage, nxt) or (i == 0 and _opens_with_actor(tok, nxt)):
            names.add(stem(tok))
        elif not (names and tok.lower() in _CONNECT):
            break
        i += 1
    return names, i


def _opens_with_actor(tok: str, nxt: str) -> bool:
    """A capitalised first word right before a verb is the claim's actor even where the
    passage never names it ("Anthropic argued ..." over "..., the NMPA argues")."""
    low = tok.lower()
    if not tok[:1].isupper() or low in STOPWORDS or low in PRONOUNS:
        return False
    return nxt[:1].islower() and nxt.lower() not in _SKIP and nxt.endswith(("ed", "s"))


def _same_verb(a: str, b: str) -> bool:
    if stem(a) == stem(b):
        return True
    return bool(lexicon.base_forms(a.lower()) & lexicon.base_forms(b.lower()))


def _passive(toks: list[str], verb_at: int) -> int | None:
    """Index of the agent's first word where toks[verb_at] is a passive with "by"."""
    j = verb_at - 1
    if j < 0 or toks[j].lower() not in _BE:
        return None
    for k in range(verb_at + 1, min(len(toks) - 1, verb_at + 6)):
        if toks[k].lower() == "by":
            return k + 1
    return None


def _subject_before(toks: list[str], at: int, passage: str) -> set[str]:
    """The names just before toks[at], past auxiliaries, adverbs and a title between names
    ("Kremlin spokesperson Dmitry Peskov denied"); empty where a pronoun is the subject."""
    j = at - 1
    while j >= 0 and toks[j].lower() in _SKIP:
        j -= 1
    out: set[str] = set()
    while j >= 0 and at - j <= 8:
        tok = toks[j]
        if out:
            pass  # names found: what precedes them ("that", "which") is no subject
        elif tok.lower().split("'")[0] in ("he", "she", "it", "they"):
            # A pronoun: the sentence's own names before it are its candidates ("Rani Zim
            # completed ... when he bought").
            return {"*"} | {
                stem(t) for i, t in enumerate(toks[:j])
                if is_name(t, i == 0, passage) and stem(t) not in TEMPORAL_NAMES
            }  # fmt: skip
        elif tok.lower().split("'")[0] in PRONOUNS:
            return set()
        if is_name(tok, j == 0, passage):
            out.add(stem(tok))
        elif out and tok.lower() in _CONNECT:
            pass  # "Russia's Ministry of Defense"
        elif not out or not tok[:1].islower():
            break
        elif not (j and is_name(toks[j - 1], j - 1 == 0, passage)):
            break  # a title ("spokesperson") only between two names
        j -= 1
    return out


def subject_swap(claim: str, span: str, passage: str) -> list[str]:
    """The claim's subject must be the subject of the same verb in the aligned sentence: its
    main clause's and, after a reporting verb, its reported clause's ("Ukrainian officials
    said Ukraine launched" where "officials reported that Russia launched")."""
    parts = _segments(claim)
    if not parts:
        return []
    ct = parts[0]
    starts = [0] + [
        i + 2 if ct[i + 1 : i + 2] == ["that"] else i + 1
        for i, t in enumerate(ct[:-1])
        if t.lower() in REPORTING
    ]
    out: list[str] = []
    for start in starts:
        out += _one_subject(ct, start, span, passage)
    return out[:1]


def _one_subject(ct: list[str], start: int, span: str, passage: str) -> list[str]:
    actor, i = _lead_names(ct[start:], passage)
    i += start
    if not actor or ct[i - 1].lower().endswith("'s"):
        return []  # no named subject, or a possessive one ("San Francisco's defense")
    aux = []
    while i < len(ct) and ct[i].lower() in _SKIP:
        aux.append(ct[i].lower())
        i += 1
    if i >= len(ct) or not ct[i][:1].islower() or not lexicon.is_verb(ct[i]):
        return []
    copula = aux and aux[-1] in _BE and not ct[i].endswith(("ed", "ing"))
    if _passive(ct, i) is not None or copula:
        return []  # a passive (its agent comes later) or a copula ("is part of")
    verb = ct[i]
    subjects: set[str] = set()
    for st in _segments(span):
        for k, tok in enumerate(st):
            if not _same_verb(tok, verb):
                continue
            if tok.lower().endswith("ing") and not (k and st[k - 1].lower() in _BE):
                continue  # a participle ("..., warning of") has the sentence's subject
            agent = _passive(st, k)
            if agent is not None:
                if agent < len(st) and is_name(st[agent], False, passage):
                    subjects.add(stem(st[agent]))
                continue
            found = _subject_before(st, k, passage)
            if any(_alike(a, f) for a in actor for f in found):
                return []  # the claim's subject does this verb in the passage
            subjects |= found - {"*"}
    if subjects and not any(_alike(a, s) for a in actor for s in subjects):
        return [f"“{verb}”: the passage has {sorted(subjects)[0]} do it, not {sorted(actor)[0]}"]
    return []


def _alike(a: str, b: str) -> bool:
    """The same party: "Russia"/"Russian", "Ukraine"/"Ukrainian" (first five letters)."""
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


def _nearest(toks: list[str], i: int, j: int, word: str, swap: bool = False) -> str:
    """Which of the names at toks[i] and toks[j] stands nearer the first `word` between
    them ("first" or "second"; swap=True reads toks[j] as the first name)."""
    k = next((k for k in range(i + 1, j) if stem(toks[k]) == word), None)
    if k is None:
        return ""
    if k - i == j - k:
        return "both"
    near_i = (k - i) < (j - k)
    return "first" if near_i != swap else "second"


_CITING = frozenset(["cite", "cites", "cited", "citing"])


def _speaker_names(toks: list[str]) -> set[str]:
    """Stems of the claim's speaker: capitalised words within three words before a reporting
    verb ("Teneo's Gabriel Wildau wrote") or after "citing" ("Citing McKinsey forecasts").
    The attribution rule checks the speaker; the roles rule leaves it out."""
    out: set[str] = set()
    for i, t in enumerate(toks):
        if t.lower() in REPORTING:
            out |= {stem(x) for x in toks[max(0, i - 3) : i] if x[:1].isupper()}
        elif t.lower() in _CITING:
            out |= {stem(x) for x in toks[i + 1 : i + 4] if x[:1].isupper()}
    return out


def _relates(ct: list[str], a_i: int, b_i: int, st: list[str], sb: int, sa: int, w: str) -> bool:
    """Whether `w` relates the two names rather than modifying one of them: it stands between
    them in the claim (as near one as the other), or its nearer name differs between the claim
    and the passage (a tie in the passage decides nothing)."""
    in_claim = _nearest(ct, a_i, b_i, w)
    if in_claim in ("both", ""):
        return True
    in_span = _nearest(st, sb, sa, w, swap=True)
    return in_span not in ("both", "") and in_claim != in_span


def _after_article(toks: list[str], k: int) -> bool:
    prev = toks[k - 1].lower() if k else ""
    return prev in ("a", "an", "the") or bool(re.fullmatch(r"[\d.,-]+", prev))


def _plain(tok: str) -> bool:
    """A content word that is not capitalised (a name cannot be the verb two names share)."""
    return tok.lower() not in STOPWORDS and not tok[:1].isupper()


def roles(claim: str, span: str, passage: str) -> list[str]:
    """Who did what to whom: two names around a shared word keep their order, and a name
    keeps the noun it modifies."""
    ct, st = tokens(claim), tokens(span)
    c_names = [(i, stem(t)) for i, t in enumerate(ct) if is_name(t, i == 0, passage, follow(ct, i))]
    s_pos: dict[str, int] = {}
    for i, t in enumerate(st):
        s_pos.setdefault(stem(t), i)
    out = []
    c_low = [t.lower() for t in ct]
    # A speaker moved from the end to the front ("said Junichi Miyakawa, president ... of
    # SoftBank Corp." / "SoftBank Corp. president ... Junichi Miyakawa said") swaps no role.
    speakers = _speaker_names(ct)
    # Each name at its first mention: a later repeat ("... to keep the developer on Google
    # Play") is no new role.
    firsts = [(i, n) for k, (i, n) in enumerate(c_names) if n not in {m for _, m in c_names[:k]}]
    for a_i, a in firsts:
        for b_i, b in firsts:
            if b_i <= a_i + 1 or a == b or a not in s_pos or b not in s_pos:
                continue
            if {a, b} & speakers:
                continue
            if s_pos[b] >= s_pos[a] or PASSIVE & set(c_low[a_i:b_i]):
                continue
            if PASSIVE & {x.lower() for x in st[s_pos[b] : s_pos[a]]} or {a, b} & TEMPORAL_NAMES:
                continue
            between_c = {stem(x) for x in ct[a_i + 1 : b_i] if _plain(x)}
            between_s = {stem(x) for x in st[s_pos[b] + 1 : s_pos[a]] if _plain(x)}
            # The shared word is what one does to the other: a word, not a number ("the 145
            # drones Russia launched" shares 145 with "Russia launched 145 drones").
            shared = {w for w in between_c & between_s if w.isalpha()} - {a, b}
            # A word next to the same name on both sides modifies that name, it does not
            # relate the two ("a Wall Street rally gave the ASX" / "the ASX received relief
            # from a rally on Wall Street").
            shared = {w for w in shared if _relates(ct, a_i, b_i, st, s_pos[b], s_pos[a], w)}
            # Two names with no verb between them are one noun phrase ("Valve product designer
            # Greg Coomer"), and a word after an article or a number is a thing ("a 3-2
            # triumph over England"): neither relates the two.
            if not any(is_verb_at(ct, k, passage) for k in range(a_i + 1, b_i)):
                continue
            shared -= {stem(ct[k]) for k in range(a_i + 1, b_i) if _after_article(ct, k)}
            if shared:
                out.append(f"{a} and {b} swap roles around “{sorted(shared)[0]}”")
    # Adjacent within one comma-free stretch ("Junichi Miyakawa, president & CEO" puts no
    # name on "president").
    seg_toks = [t for seg in _segments(span) for t in [*seg, ","]]
    s_stems = [stem(t) if t != "," else "," for t in seg_toks]
    s_names = {i for i, t in enumerate(seg_toks) if t != "," and is_name(t, i == 0, passage)}
    for a_i, a in c_names:
        if (
            a_i + 1 >= len(ct)
            or ct[a_i + 1].lower() in STOPWORDS
            or is_name(ct[a_i + 1], False, passage)
            or ct[a_i].lower().endswith("'s")  # possessives own, they do not modify
            or ct[a_i + 1].lower() in REPORTING
            or ct[a_i + 1].lower().endswith(("ed", "ing", "ly"))  # not a modified noun
            or lexicon.is_deny(ct[a_i + 1])
            or lexicon.is_affirm(ct[a_i + 1])
        ):
            continue
        noun = stem(ct[a_i + 1])
        mods = {
            s_stems[j]
            for k, x in enumerate(s_stems)
            if x == noun
            for j in range(max(0, k - 1), k)
            if j in s_names
        }
        # "Ukrainian officials" and "Ukraine's ... officials" name the same side.
        if mods and not any(m[:5] == a[:5] for m in mods):
            out.append(f"“{a} {noun}” where the passage has “{sorted(mods)[0]} {noun}”")
    return out + _objects(ct, st, c_names, passage)


PREPOSITIONS = frozenset(["to", "for", "against", "from", "at", "over", "into", "on", "with"])


def _objects(
    ct: list[str], st: list[str], c_names: list[tuple[int, str]], passage: str
) -> list[str]:
    """A name after "<word> <preposition>" ("aid to Russia") must be the one the passage has
    there ("aid to Ukraine")."""
    out = []
    for i, name in c_names:
        if i < 2 or ct[i - 1].lower() not in PREPOSITIONS or ct[i - 2].lower() in STOPWORDS:
            continue
        head, prep = stem(ct[i - 2]), ct[i - 1].lower()
        there = set()
        for k in range(len(st) - 2):
            if stem(st[k]) == head and st[k + 1].lower() == prep:
                j = k + 3 if st[k + 2].lower() in ("the", "a", "an") and k + 3 < len(st) else k + 2
                # The whole run of names there ("with Chinese President Xi Jinping").
                while j < len(st) and is_name(st[j], False, passage):
                    there.add(stem(st[j]))
                    j += 1
        if there and not any(t[:5] == name[:5] for t in there):
            out.append(f"“{ct[i - 2]} {prep} {name}” where the passage has {sorted(there)[0]}")
    return out
