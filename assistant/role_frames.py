"""Who did what to whom, read off the words: a light role analysis for the entailment check
(issue 15, round 5).

No parser model installs offline here, so each sentence is read segment by segment (a
comma-free stretch, as subjects.py reads it) into frames, one per verb:
- the agent: the noun phrase just before an active verb (a run of names, or a common noun
  such as "the bloc"), past auxiliaries and adverbs; the noun phrase after "by" for a passive
  ("was stretchered off by", or a reduced one: "a round led by Tencent"); for a verb that
  opens its segment, the sentence's subject: a participle clause ("..., accusing Moscow of")
  has its main clause's subject, and a finite verb after an appositive ("Dave Clark, the
  former Amazon executive ..., fired back") has the name before the appositive;
- the patient: the noun phrase right after an active verb (past particles and determiners),
  or the noun phrase before a passive;
- the other parties: names and nouns later in the segment ("to the bloc", "at Dave Clark"),
  except after a reciprocal word ("with", "and", "against": meeting with someone is done by
  both);
- the mode: irrealis where a modal ("will", "could") or an infinitive marker governs the verb.

Rules built on them: `role_cross` (the claim gives a party the other role of the same verb
than the passage does, or the same noun owned by another name), `possessor_swap` (a thing
keeps its owner: "FTX's comments" where "Zhao's comments"), and, in assistant/modality.py,
`tense_overclaim` (the claim states as done what the passage has only as possible, future
or intended).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant import lexicon
from assistant.relations import REPORTING, is_name, stem, tokens
from assistant.text import STOPWORDS

BE = frozenset(["is", "are", "was", "were", "be", "been", "being", "got", "get", "gets"])
MODALS = frozenset(["will", "would", "could", "may", "might", "should", "must", "shall", "can"])
# Words between a subject and its verb that change neither ("has also declined").
SKIP = BE | MODALS | frozenset(
    ["has", "have", "had", "also", "now", "then", "already", "reportedly", "allegedly",
     "still", "just", "since", "later", "first", "again", "previously", "initially",
     "eventually", "soon", "finally", "not", "never", "currently", "recently", "once"]
)  # fmt: skip
_FINITE = frozenset(["has", "have", "had", "is", "are", "was", "were"])
ADVERBS = SKIP - BE - MODALS - {"has", "have", "had"}
DETERMINERS = frozenset(["the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those", "our", "both", "some", "any", "each"])  # fmt: skip
_PARTICLES = frozenset(["back", "off", "up", "down", "out", "away"])
# After these the other party acts as much as the subject does ("met with", "X and Y").
RECIPROCAL = frozenset(["with", "and", "against", "alongside", "between", "versus", "vs", "together"])  # fmt: skip
_SUBJECT_PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you", "who", "which", "that"])  # fmt: skip
# Verbs whose two parties act alike ("Zelensky met Biden" is "Biden met Zelensky"): the
# reciprocal verbs of English grammars (Levin's "meet", "marry", "fight" classes).
RECIPROCAL_VERBS = frozenset(["meet", "marry", "fight", "battle", "clash", "play", "face", "merge", "partner", "tie", "draw", "negotiate", "talk", "trade", "compete", "collaborate", "ally", "join", "debate", "spar", "collide", "resemble", "match", "rival"])  # fmt: skip
_JOIN = frozenset(["of", "and", "&", "or"])  # "Russia's Ministry of Defense", "Gilead and Biogen"
_SEGMENT = re.compile(r"[,;:()“”\"—–]|\s-\s")


@dataclass(frozen=True)
class Frame:
    """One verb of a sentence and its parties, each a set of stems (names or a head noun)."""

    verb: str
    lemmas: frozenset[str]
    agent: frozenset[str]
    patient: frozenset[str]
    others: frozenset[str]
    passive: bool
    irrealis: bool
    past: bool  # stated as done: a past form or a perfect ("has passed")
    opens: bool  # the verb opens its segment (its agent is the sentence's subject)


def verb_lemmas(word: str) -> frozenset[str]:
    """The word's WordNet verb base forms, short words too ("used", "suing": lexicon's
    suffix rules leave words of four or five letters alone)."""
    low = word.lower()
    if low.endswith(("er", "est")):  # a comparative's base is no verb form ("founder")
        return frozenset([low]) if low in lexicon.base_forms(low) and lexicon.is_verb(low) else frozenset()  # fmt: skip
    out = {b for b in lexicon.base_forms(low) if b != low and lexicon.is_verb(b)}
    for suffix, repl in (("ied", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""), ("es", ""), ("s", "")):  # fmt: skip
        if low.endswith(suffix) and len(low) > len(suffix) + 1:
            cand = low[: -len(suffix)] + repl
            if lexicon.is_verb(cand) and cand in lexicon.base_forms(cand):
                out.add(cand)
    if not out and lexicon.is_verb(low):
        out.add(low)
    return frozenset(out)


def is_verb_at(st: list[str], k: int, text: str) -> bool:
    """Whether st[k] is a verb by its form and place: "-s" and bare forms are nouns as often
    ("local results", "a musical work"), so they count after a name, a pronoun or an
    auxiliary only; an "-ing" form after "be", opening its segment or after "with X" ("with
    the bloc issuing"), not after a noun ("the image blurring")."""
    tok = st[k]
    low = tok.lower()
    if not (tok[:1].islower() or (k == 0 and low.endswith("ing"))):  # "Using X as a front, Y"
        return False
    if low in STOPWORDS or low in SKIP or low in DETERMINERS:
        return False
    if low.endswith("ly") or low in _PARTICLES or low in _PREPOSITIONAL or not verb_lemmas(low):
        return False
    j = k - 1
    while j >= 0 and (st[j].lower() in ADVERBS or (st[j].endswith("ly") and st[j][:1].islower())):
        j -= 1
    prev = st[j].lower() if j >= 0 else ""
    # After a determiner or a possessive it is a noun ("the attacks", "Meta's arguments").
    if prev in DETERMINERS or prev.endswith("'s") or prev in ("of", "for", "in"):
        return False
    if low.endswith("ing"):
        return j < 0 or prev in BE or "with" in (x.lower() for x in st[max(0, j - 3) : j])
    if _past(tok):
        return not (j >= 0 and _past(st[j]) and st[j][:1].islower())  # "redirected flights"
    return j >= 0 and (
        is_name(st[j], j == 0, text) or prev in _SUBJECT_PRONOUNS or prev in SKIP or prev == "to"
    )


# Participles that work as prepositions ("following a CNBC report", "according to").
_PREPOSITIONAL = frozenset(["following", "according", "including", "regarding", "concerning", "given", "based", "compared", "excluding", "pending", "considering", "amid"])  # fmt: skip


def _past(tok: str) -> bool:
    low = tok.lower()
    if low.endswith("ed"):
        return True
    return bool(verb_lemmas(low)) and low not in verb_lemmas(low) and not low.endswith(("s", "ing"))  # fmt: skip


def _np_before(st: list[str], k: int, text: str) -> frozenset[str] | None:
    """Stems of the noun phrase ending just before st[k] (past auxiliaries and adverbs):
    its names, or its head noun; None where nothing stands there, an empty set where a
    pronoun does."""
    j = k - 1
    while j >= 0 and (st[j].lower() in SKIP or (st[j].endswith("ly") and st[j][:1].islower())):
        j -= 1
    if j < 0:
        return None
    low = st[j].lower()
    if low in _SUBJECT_PRONOUNS:
        return frozenset()
    if is_name(st[j], j == 0, text):
        names: set[str] = set()
        while j >= 0 and (is_name(st[j], j == 0, text) or (st[j].lower() in _JOIN and names)):
            if st[j].lower() not in _JOIN:
                names.add(stem(st[j]))
            j -= 1
        return frozenset(names)
    if low in STOPWORDS or not st[j][:1].islower() or low.isdigit() or _past(st[j]):
        return None
    # A common noun with the names that modify it ("Russian forces").
    mods = {stem(st[i]) for i in range(max(0, j - 2), j) if is_name(st[i], i == 0, text)}
    return frozenset([stem(st[j]), *mods])


def _np_after(st: list[str], k: int, text: str) -> frozenset[str]:
    """Stems of the direct object after st[k]: its names, or its head noun."""
    j = k + 1
    while j < len(st) and st[j].lower() in _PARTICLES:
        j += 1
    if j < len(st) and st[j].lower() not in DETERMINERS and st[j].lower() in STOPWORDS:
        return frozenset()  # a preposition: no direct object
    while j < len(st) and st[j].lower() in DETERMINERS:
        j += 1
    names = set()
    while j < len(st) and is_name(st[j], False, text):
        names.add(stem(st[j]))
        if st[j].endswith("'s"):
            return frozenset()  # a possessor: the object is what it owns
        j += 1
    if j < len(st) and st[j][:1].islower() and st[j].lower() not in STOPWORDS:
        names.add(stem(st[j]))  # the head noun ("Russian forces")
    return frozenset(names)


def _others(st: list[str], k: int, text: str) -> frozenset[str]:
    """Names and nouns after st[k] up to the next verb, which has parties of its own ("...
    more than the Wolverines dominated opponents")."""
    out = set()
    for j in range(k + 1, len(st)):
        if st[j].lower() in RECIPROCAL or is_verb_at(st, j, text):
            break
        low = st[j].lower()
        if is_name(st[j], False, text) or (low not in STOPWORDS and st[j][:1].islower()):
            out.add(stem(st[j]))
    return frozenset(out)


def _passive_at(st: list[str], k: int) -> tuple[bool, int | None]:
    """(whether st[k] is a passive participle, index of the agent after "by" or None)."""
    j = k - 1
    while j >= 0 and st[j].endswith("ly") and st[j][:1].islower():
        j -= 1
    low = st[k].lower()
    participle = low.endswith(("ed", "en")) or _past(st[k])
    be = j >= 0 and st[j].lower() in BE
    by = next((i + 1 for i in range(k + 1, min(len(st) - 1, k + 5)) if st[i].lower() == "by"), None)
    if participle and be:
        return True, by
    if participle and k + 1 < len(st) - 1 and st[k + 1].lower() == "by":
        return True, k + 2  # a reduced passive: "a round led by Tencent"
    return False, None


def _irrealis(st: list[str], k: int) -> bool:
    j = k - 1
    while j >= 0 and (st[j].lower() in BE or st[j].lower() in ("have", "also", "still", "then")):
        j -= 1  # "will be using", "could have"
    return j >= 0 and (st[j].lower() in MODALS or st[j].lower() == "to")


def frames(sentence: str, text: str) -> list[Frame]:
    """The sentence's frames (module docstring); `text` decides what is a name."""
    return list(_frames(sentence, text))


@lru_cache(maxsize=4096)
def _frames(sentence: str, text: str) -> tuple[Frame, ...]:
    segs = [t for t in (tokens(x) for x in _SEGMENT.split(sentence)) if t]
    out: list[Frame] = []
    main: frozenset[str] = frozenset()
    for n, st in enumerate(segs):
        for k in range(len(st)):
            if not main and k and st[k].lower() in _FINITE:
                main = _np_before(st, k, text) or main  # "..., Bankman-Fried had access"
            if not is_verb_at(st, k, text) and not _passive_at(st, k)[0]:
                continue
            passive, by = _passive_at(st, k)
            before = _np_before(st, k, text)
            opens = before is None
            if opens and not passive:
                before = _opening_subject(segs, n, text) if not st[k].endswith("ing") else main
            agent: frozenset[str] = before or frozenset()
            patient = _np_after(st, k, text)
            if passive:
                agent = _np_after(st, by - 1, text) if by is not None else frozenset()
                patient = before or frozenset()
            if not main and agent and not passive and not st[k].endswith("ing"):
                main = agent
            out.append(
                Frame(
                    verb=st[k].lower(),
                    lemmas=verb_lemmas(st[k]) or frozenset([st[k].lower()]),
                    agent=agent,
                    patient=patient,
                    others=_others(st, k, text),
                    passive=passive,
                    irrealis=_irrealis(st, k),
                    past=_past(st[k]) or (k > 0 and st[k - 1].lower() in ("has", "have", "had")),
                    opens=opens,
                )
            )
    # A participle clause opening the sentence ("Using Caroline Ellison ... as a front,
    # Bankman-Fried had") has the subject of the main clause after it.
    lead = [i for i, f in enumerate(out) if f.opens and f.verb.endswith("ing") and not f.agent]
    for i in lead if main else []:
        out[i] = replace(out[i], agent=main)
    return tuple(out)


def _opening_subject(segs: list[list[str]], n: int, text: str) -> frozenset[str]:
    """The subject of a finite verb that opens segment n: the names ending the segment
    before an appositive ("Dave Clark, the former Amazon executive ..., fired back")."""
    if n >= 2 and segs[n - 1][0].lower() in ("the", "a", "an", "who", "which"):
        prev = segs[n - 2]
        if is_name(prev[-1], len(prev) == 1, text):
            return _np_before([*prev, "x"], len(prev), text) or frozenset()
    return frozenset()


def alike(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two parties share a name or head ("Russia"/"Russian": first five letters)."""
    return any(x == y or (len(x) >= 5 and len(y) >= 5 and x[:5] == y[:5]) for x in a for y in b)


def same_verb(a: Frame, b: Frame) -> bool:
    return bool(a.lemmas & b.lemmas) and not (a.lemmas | b.lemmas) & _LIGHT


# Verbs too general to tie two frames together: the copula, auxiliaries, reporting verbs.
_LIGHT = frozenset(["be", "have", "do", "get", "make", "say", "go", "take", "come"]) | REPORTING


def role_cross(claim: str, span: str, passage: str) -> list[str]:
    """The claim gives a party of the aligned sentence the other role of the same verb:
    its subject is what the passage's verb acts on ("Meta is suing a coalition" where "a
    coalition ... are suing Meta"; "Yedidia persuaded Bankman-Fried" where "he persuaded
    Yedidia"), or it acts on the passage's subject ("X issued a warning to the bloc" where
    "the bloc issuing a warning"; "Russia accused Zelensky" where "Zelensky ..., accusing
    Moscow"). Reciprocal verbs and parties after "with" or "and" are left out."""
    span_stems = frozenset(stem(t) for t in tokens(span))
    named = frozenset(stem(t) for t in tokens(span) if t[:1].isupper())
    out = []
    s_frames = frames(span, passage)
    for c in frames(claim, passage):
        same = [s for s in s_frames if same_verb(c, s)]
        if not same or c.lemmas & RECIPROCAL_VERBS:
            continue
        if c.passive and not c.agent and c.patient:
            out += _patient_swap(c, same, named)
        if not c.agent or not alike(c.agent, span_stems):
            continue
        out += _owner_swap(c, same, frozenset(stem(t) for t in tokens(claim) if t[:1].isupper()), named)  # fmt: skip
        if any(alike(c.agent, s.agent) for s in same):
            continue  # the claim's subject does this verb in the passage too
        for s in same:
            if alike(c.agent, s.patient):
                out.append(f"“{c.verb}”: the passage has {sorted(c.agent)[0]} on the receiving end")
            elif s.agent and alike(c.others, s.agent):
                out.append(f"“{c.verb}”: the passage has {sorted(s.agent)[0]} do it")
        out += _agent_swap(c, same, named)
    return out[:1]


def _owner_swap(
    c: Frame, same: list[Frame], c_named: frozenset[str], named: frozenset[str]
) -> list[str]:
    """The same noun does the verb, but another name's: "San Francisco's defense has
    allowed the fewest points" where "The Ravens defense has allowed the fewest points".
    (roles' modifier rule reads a name right before its noun, not a possessive one.)"""
    heads, owners = c.agent - c_named, c.agent & c_named
    if not heads or not owners or not alike(owners, named):
        return []
    if any(alike(owners, s.agent) for s in same):
        return []
    for s in same:
        theirs = s.agent & named
        if s.agent & heads and theirs:
            return [f"“{c.verb}”: the passage has the {min(theirs)} {min(heads)} do it"]
    return []


def _agent_swap(c: Frame, same: list[Frame], named: frozenset[str]) -> list[str]:
    """The claim names another doer of the verb than a passive of the passage does, both
    names of the aligned sentence ("BlackRock led ... round" where "a round led by Tencent,
    with BlackRock ... participating"); subjects.subject_swap reads active verbs."""
    if c.passive or not c.agent <= named or any(alike(c.agent, s.agent) for s in same):
        return []
    doers = [s.agent for s in same if s.passive and s.agent and s.agent <= named]
    return [f"“{c.verb}”: the passage has {sorted(doers[0])[0]} do it"] if doers else []


def _patient_swap(c: Frame, same: list[Frame], named: frozenset[str]) -> list[str]:
    """A passive claim names another party undergoing the verb than the passage ("Blom was
    stretchered off" where "Greenwood was stretchered off")."""
    if not c.patient <= named or not alike(c.patient, named):
        return []
    if any(alike(c.patient, s.patient) for s in same):
        return []
    had = [s.patient for s in same if s.passive and s.patient and s.patient <= named]
    return [f"“{c.verb}”: the passage has it happen to {sorted(had[0])[0]}"] if had else []


def _owned(sentence: str, text: str) -> set[tuple[frozenset[str], str]]:
    """(owner, thing) stems: "Meta's arguments" and "the collapse of FTX"; the owner a run
    of names ("Scalable Capital's")."""
    out = set()
    for st in (tokens(x) for x in _SEGMENT.split(sentence)):
        for i, tok in enumerate(st[:-1]):
            nxt = st[i + 1]
            plain = nxt[:1].islower() and nxt.lower() not in STOPWORDS
            if tok.endswith("'s") and plain and is_name(tok.removesuffix("'s"), i == 0, text):
                run = _np_before([*st[:i], tok.removesuffix("'s"), "x"], i + 1, text) or {stem(tok)}
                out.add((frozenset(run), stem(nxt)))
            elif tok.lower() == "of" and i and st[i - 1][:1].islower():
                j = i + 2 if nxt.lower() in DETERMINERS and i + 2 < len(st) else i + 1
                if is_name(st[j], False, text) and st[i - 1].lower() not in STOPWORDS:
                    out.add((frozenset([stem(st[j])]), stem(st[i - 1])))
    return out


def possessor_swap(claim: str, span: str, passage: str) -> list[str]:
    """A thing keeps its owner: "FTX's comments" where the aligned sentence has "Zhao's
    comments" (and names FTX otherwise), "Meta's right to act" where "the DPA's right"."""
    there = _owned(span, passage)
    names = frozenset(stem(t) for t in tokens(span) if t[:1].isupper())
    out = []
    for owner, thing in sorted(_owned(claim, passage), key=str):
        others = [o for o, t in there if t == thing]
        if not others or any(alike(owner, o) for o in others):
            continue
        if alike(owner, names):
            out.append(f"the {thing} of {min(owner)} where the passage has {min(others[0])}'s")
    return out[:1]
