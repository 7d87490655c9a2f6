"""Evaluative and directional opposites in the same slot (issue 15, round 5).

WordNet's antonym pointers join few of the words news uses to judge or to tell a change:
"disappointed" / "proud", "praised" / "fired back at", "shaky" / "solid", "climbing" /
"slipping" have none. Two maintained resources are read instead of typed word pairs:

- evaluative polarity: VADER's lexicon (PyPI `vaderSentiment`, MIT licence; 7,500 words
  rated -4..4 by ten raters each), widened through WordNet to words it lacks: a word's own
  synsets (its most frequent senses), their "similar to" satellites and heads, and its
  antonyms' ratings with the sign turned; a rating stands only where its neighbours agree;
- direction of change: WordNet's verb hierarchy, where a sense that reaches, within HOPS
  hypernym levels, one side of an opposed pair of change verbs (increase / decrease, improve /
  worsen, rise / descend) has that direction on that axis ("climb" -> wax -> increase and
  climb -> progress -> improve; "slip" -> worsen).

Where the claim replaces a run of the aligned sentence's words, with the same words on at
least one side (slot_opposites.slots), the runs are opposed when both are clearly polar with
opposite signs, or move in opposite directions on one axis, unless a negation stands before
one of them and not the other ("not proud" is "disappointed"), or WordNet joins the two
(a shared sense or hypernym: a paraphrase). Verbs of contest ("won" / "defeated") carry the
valence of one side of the same event, so they decide nothing here: who won is the roles
rules' question.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from assistant import lexicon
from assistant.relations import NEG_CUES
from assistant.slot_opposites import opposed, slots
from assistant.text import STOPWORDS
from assistant.wordnet_files import POS_FILES, wordnet_files

STRONG = 1.25  # |valence| a word needs to count as clearly polar (VADER rates -4..4)
MIN_NEAR = 2  # distinct rated WordNet neighbours a word without its own rating needs
AGREE = 0.75  # share of a word's rated WordNet neighbours that must agree on the sign
HOPS = 2  # hypernym levels read for a change verb's direction (as slot_opposites)
SENSES = {"n": 1, "v": 3, "a": 3, "s": 3, "r": 2}  # most frequent senses read per lemma
# Change verbs whose opposed synsets (WordNet antonyms) give the axes of direction.
# Amount and height are one axis (news tells prices that "rose" / "fell" with both); quality
# is another: "unemployment increased" and "worsened" say the same.
AXES = (("increase", "rise"), ("improve",))
_CONTEST = 33  # WordNet's lexicographer file verb.competition ("win", "defeat", "beat")


@lru_cache(maxsize=65536)
def _synsets(lemma: str) -> list[str]:
    """The lemma's most frequent senses, SENSES[pos] of each part of speech (adjective
    satellites, "s", share index.adj with their heads)."""
    wn = wordnet_files()
    out: list[str] = []
    for p in POS_FILES:
        out += wn.senses(p, lemma, max(SENSES[p], SENSES["s"]) if p == "a" else SENSES[p])
    return out


def _ptrs(key: str, symbol: str) -> frozenset[str]:
    return wordnet_files().synset(key).ptrs.get(symbol, frozenset())


def _members(key: str) -> tuple[str, ...]:
    return wordnet_files().synset(key).members


def _lexfile(key: str) -> int:
    return wordnet_files().synset(key).lexfile


def _up(key: str, levels: int) -> set[str]:
    seen = {key}
    frontier = {key}
    for _ in range(levels):
        frontier = {h for s in frontier for h in _ptrs(s, "@")} - seen
        seen |= frontier
    return seen


@lru_cache(maxsize=1)
def _vader() -> dict[str, float]:
    """VADER's word ratings (its lexicon file, read as data: the analyser is not used)."""
    try:
        text = (files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}  # without the package, evaluative polarity is off; direction still works
    out = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].isalpha():
            out[parts[0]] = float(parts[1])
    return out


def vader_available() -> bool:
    """Whether VADER's lexicon was found (pip install vaderSentiment, a runtime dependency)."""
    return bool(_vader())


def _forms(w: str) -> list[str]:
    """The lemmas a word is read as: an irregular past ("fell", "found") as its verb only, not
    as the homograph WordNet also lists ("fell" the adjective, fierce; "fell" trees)."""
    exc = lexicon._wordnet()[1].get("v", {})  # WordNet's verb.exc
    if w in exc:
        return [exc[w]]
    return [w, *sorted(lexicon.base_forms(w) - {w})]


@lru_cache(maxsize=16384)
def valence(word: str) -> float:
    """The word's evaluative rating (VADER's scale, -4..4; 0 when unknown or mixed): its own
    rating when clearly polar, else its WordNet neighbours' where they agree in sign."""
    vader = _vader()
    w = word.lower()
    forms = [w, *sorted(lexicon.base_forms(w) - {w})]
    own = next((vader[f] for f in forms if f in vader), 0.0)
    if abs(own) >= STRONG:
        return own
    found: dict[str, float] = {}
    for f in _forms(w):
        # Adjective clusters only: their "similar to" links join words of one rating, while
        # a noun's or a verb's synonyms carry other senses' ratings ("respectively" took
        # +1.4 from "severally", "coding" -1.6 from a verb sense).
        for key in (k for k in _synsets(f) if k[0] == "a"):
            near = {key} | _ptrs(key, "&")
            for k in near:
                found |= {m: vader[m] for m in _members(k) if m != f and m in vader}
            for k in {a for s in near for a in _ptrs(s, "!")}:
                found |= {f"!{m}": -vader[m] for m in _members(k) if m in vader}
    rated = list(found.values())
    if len(rated) < MIN_NEAR:
        return own  # one neighbour is one sense, often not the one news means ("overall")
    mean = sum(rated) / len(rated)
    agree = sum(1 for r in rated if r * mean > 0) / len(rated)
    if agree < AGREE or (own and own * mean < 0):
        return own
    return mean if abs(mean) > abs(own) else own


@lru_cache(maxsize=1)
def _axes() -> list[tuple[frozenset[str], frozenset[str]]]:
    """(up, down) synsets of each axis of change: the first two verb senses of its AXES
    words that WordNet opposes (rise.v.01 / descend.v.01, not arise.v.03 / sit_down.v.01),
    with their antonyms."""
    out = []
    for words in AXES:
        ups = [
            k
            for word in words
            for k in [k for k in _synsets(word) if k[0] == "v"][:2]
            if _ptrs(k, "!")
        ]
        downs = {a for k in ups for a in _ptrs(k, "!")}
        out.append((frozenset(ups), frozenset(downs)))
    return out


@lru_cache(maxsize=16384)
def direction(word: str) -> tuple[int, ...]:
    """Per axis of change, +1 where the word's verb senses reach only its up side, -1 only
    its down side, 0 otherwise."""
    reach: set[str] = set()
    for f in _forms(word.lower()):
        for key in _synsets(f):
            if key[0] == "v":
                reach |= _up(key, HOPS)
    out = []
    for ups, downs in _axes():
        u, d = bool(reach & ups), bool(reach & downs)
        out.append(1 if u and not d else -1 if d and not u else 0)
    return tuple(out)


def _contest(word: str) -> bool:
    """Whether the word's first verb sense is a verb of contest ("won", "defeated")."""
    for f in lexicon.base_forms(word.lower()):
        verbs = [k for k in _synsets(f) if k[0] == "v"]
        if verbs and _lexfile(verbs[0]) == _CONTEST:
            return True
    return False


def _run_valence(run: list[str]) -> float:
    """The run's clearest rating; 0 when its words disagree in sign."""
    scores = [valence(t) for t in run if t not in STOPWORDS and t.isalpha()]
    polar = [s for s in scores if abs(s) >= STRONG]
    if not polar or (max(polar) > 0 and min(polar) < 0):
        return 0.0
    return max(polar, key=abs)


def _run_direction(run: list[str]) -> tuple[int, ...]:
    dirs = [direction(t) for t in run if t not in STOPWORDS and t.isalpha()]
    if not dirs:
        return ()
    out = []
    for axis in zip(*dirs, strict=True):
        signs = {d for d in axis if d}
        out.append(signs.pop() if len(signs) == 1 else 0)
    return tuple(out)


def _name(tok: str, first: bool) -> bool:
    return tok[:1].isupper() and not (first and lexicon.is_word(tok))


def _negated(toks: list[str]) -> bool:
    return any(t in NEG_CUES or t.endswith("n't") for t in toks)


def opposed_runs(a: list[str], b: list[str]) -> str | None:
    """Why run a is the evaluative or directional opposite of run b, or None."""
    content_a = [t for t in a if t not in STOPWORDS]
    content_b = [t for t in b if t not in STOPWORDS]
    if not content_a or not content_b:
        return None
    if any(lexicon.base_forms(x) & lexicon.base_forms(y) for x in a for y in b):
        return None  # the same word on both sides
    if _shared_sense(content_a, content_b):
        return None  # WordNet joins them: a paraphrase
    if _adjective_antonyms(content_a, content_b):
        return "WordNet adjective antonyms"
    da, db = _run_direction(content_a), _run_direction(content_b)
    if any(x * y > 0 for x, y in zip(da, db, strict=False)):
        return None  # the same change told in words rated apart ("fell" / "eased")
    if any(x * y < 0 for x, y in zip(da, db, strict=False)):
        return "opposite directions of change"
    va, vb = _run_valence(content_a), _run_valence(content_b)
    contest = any(_contest(t) for t in content_a + content_b)
    if va * vb < 0 and not contest:
        return f"evaluative polarity {va:+.1f} / {vb:+.1f}"
    return None


def _adjective_antonyms(a: list[str], b: list[str]) -> bool:
    """Whether an adjective sense of a word of one run is WordNet's antonym of a head
    adjective sense of the other's ("first" / "last"). A satellite opposes the other side's
    head only, as in lexicon.py: two satellites of opposed heads can be near-synonyms."""

    def senses(run: list[str]) -> set[str]:
        return {k for t in run for f in lexicon.base_forms(t) for k in _synsets(f) if k[0] == "a"}

    sa, sb = senses(a), senses(b)
    opp_a = {x for k in sa for x in _ptrs(k, "!")}
    opp_b = {x for k in sb for x in _ptrs(k, "!")}
    return bool(opp_a & sb or opp_b & sa)


def _shared_sense(a: list[str], b: list[str]) -> bool:
    """Whether a sense of one run's words is a sense, or a hypernym within HOPS levels, of a
    sense of the other's."""

    def reach(run: list[str], levels: int) -> set[str]:
        return {
            h
            for t in run
            for f in lexicon.base_forms(t)
            for k in _synsets(f)
            for h in _up(k, levels)
        }

    own_a, own_b = reach(a, 0), reach(b, 0)
    return bool(own_a & reach(b, HOPS) or own_b & reach(a, HOPS))


def evaluative_opposites(claim: str, span: str) -> list[str]:
    """Runs the claim puts, in the same slot of the aligned sentence, where the passage has
    an evaluative or directional opposite."""
    out = []
    for run_a, run_b, before_a, before_b in slots(claim, span):
        # A capitalised word is a name ("Black Friday", "Prime Day"): its words rate nothing.
        if any(
            _name(t, i == 0 and not bef)
            for run, bef in ((run_a, before_a), (run_b, before_b))
            for i, t in enumerate(run)
        ):
            continue
        a, b = [t.lower() for t in run_a], [t.lower() for t in run_b]
        before_a, before_b = [t.lower() for t in before_a], [t.lower() for t in before_b]
        if opposed(a, b):
            continue  # slot_opposites reports WordNet's own antonyms
        if _negated(before_a + a) != _negated(before_b + b):
            continue  # "not proud" is "disappointed": the negation rules read the rest
        why = opposed_runs(a, b)
        if why:
            out.append(f"“{' '.join(a)}” is the opposite of the passage's “{' '.join(b)}” ({why})")
    return out
