"""Whether a passage is about a question's subject: it names the subject as the subject of one
of its clauses ("Sam Bankman-Fried, founder of former Coinbase rival FTX, was found guilty";
"Bankman-Fried, who faces potential life behind bars, is scheduled to be sentenced"; "Erik ten
Hag's side have once again dropped points"), not merely somewhere in it ("the win against
Everton", "Ohtani has outpaced even soccer star Lionel Messi's contract", "Musk, Page, Mark
Zuckerberg and ..."). index.timeref reads it for "the latest news about X": a newer article
about X need not name X in its headline (CNBC's Coinbase report of the conviction names
Bankman-Fried only in its body), and one that only mentions X is not news about X.

A name is matched as written in the question, and by its last word or hyphenated part alone
("Bankman-Fried", "ten Hag", "Zhao") when the same text also gives the full name: a surname
after a full mention is how articles refer to a person, and a bare surname elsewhere may be
someone else (the Will Smith of baseball). No parser: a clause starts a sentence, or follows a
semicolon, a dash or a subordinating word ("when", "after", "while" ...); a short lead-in
("In March,") and a short descriptor before the name ("Binance founder", "Chelsea boss") are
allowed; after the name (and its possessive noun, an appositive between commas, or a bracket)
comes a verb: an auxiliary, a common irregular one, or a word ending in -ed or -s.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from index.text import is_complete, sentences

# Lower-case particles inside a person's name ("Erik ten Hag", "Ursula von der Leyen").
_PARTICLES = r"(?:van|von|der|den|de|ten|ter|da|di|du|del|la|le|al|bin|ibn)"
_WORD = r"[A-Z][\w\-]*(?:[’']s)?"
NAME_RUN = re.compile(rf"\b{_WORD}(?:\s+(?:{_PARTICLES}\s+)*{_WORD})*")
_QUESTION_WORDS = {
    "What", "Which", "Who", "Whom", "Whose", "When", "Where", "Why", "How", "Is", "Are", "Was",
    "Were", "Did", "Do", "Does", "Has", "Have", "Can", "Could", "Will", "Would", "Should", "The",
    "A", "An", "In", "On", "Of", "And", "Or", "Tell", "Give", "Show", "List", "Any", "News",
}  # fmt: skip

_CAPITALISED = re.compile(r"\b[A-Z][\w\-]*(?:[’']s)?(?:\s+[A-Z][\w\-]*(?:[’']s)?)*")


def subject_words(query: str) -> list[str]:
    """The words that name a query's subject: the last word of each run of capitalised words
    ('Sam Bankman-Fried' -> Bankman, Fried; 'Elon Musk's X' -> X), split at hyphens, question
    words and possessive endings removed."""
    out: list[str] = []
    for m in _CAPITALISED.finditer(query):
        run = [re.sub(r"[’']s$", "", w) for w in m.group(0).split()]
        run = [w for w in run if w not in _QUESTION_WORDS]
        if run:
            out += [p for p in run[-1].split("-") if p and p not in out]
    return out


@dataclass(frozen=True)
class Name:
    """A name the question gives ("Sam Bankman-Fried") and its short form ("Bankman-Fried")."""

    full: str
    short: str

    def pattern(self, text: str) -> re.Pattern[str]:
        """The name as the text may give it: the full form always, the short form only when
        the text also gives the full one."""
        forms = [self.full]
        rest = self.full[: len(self.full) - len(self.short)].split()
        if self.short != self.full and (_has(text, self.full) or all(_has(text, w) for w in rest)):
            forms.append(self.short)
        alts = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")


def _has(text: str, phrase: str) -> bool:
    return bool(re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text))


def question_names(query: str) -> list[Name]:
    """The names a question's subject is made of: each run of capitalised words (with name
    particles), question words and possessive endings removed ("What is the latest on Elon
    Musk's X?" -> Elon Musk, X)."""
    out: list[Name] = []
    runs = [r for m in NAME_RUN.finditer(query) for r in re.split(r"(?<=[’']s)\s+", m.group(0))]
    for run in runs:  # a possessive ends a name: "Elon Musk's X" is Elon Musk, then X
        words = [re.sub(r"[’']s$", "", w) for w in run.split()]
        while words and words[0] in _QUESTION_WORDS:
            words.pop(0)
        if not words:
            continue
        full = " ".join(words)
        short = words[-1]
        # "Erik ten Hag": the short form keeps its particle ("ten Hag").
        k = len(words) - 1
        while k > 0 and re.fullmatch(_PARTICLES, words[k - 1]):
            k -= 1
        short = " ".join(words[k:]) if k > 0 else short
        if full not in {n.full for n in out}:
            out.append(Name(full, short))
    return out


_AUX = {
    "is", "was", "are", "were", "has", "had", "have", "will", "would", "can", "could", "may",
    "might", "must", "should", "did", "does", "do", "said", "says", "told", "made", "took",
    "gave", "got", "went", "came", "became", "left", "won", "lost", "paid", "sold", "bought",
    "met", "ran", "led", "began", "saw", "hit", "set", "put", "let", "kept", "held", "brought",
    "thought", "found", "spent", "sent", "built", "wrote", "spoke", "stood", "fell", "rose",
    "broke", "knew", "drew", "chose", "faces", "remains", "plans", "wants", "hopes", "needs",
}  # fmt: skip
_ADVERBS = {
    "also", "still", "now", "then", "never", "later", "once", "again", "already", "just",
    "even", "reportedly", "previously", "recently", "finally", "allegedly", "himself",
    "herself", "itself", "themselves", "not", "no", "longer",
}  # fmt: skip
# A lead-in before the subject: "In March, ", "On Tuesday, ", "Meanwhile, ", "However, ".
_LEAD_IN = re.compile(
    r"^(?:(?:in|on|at|after|before|during|since|by|for|earlier|later|last|this|today|now"
    r"|yesterday|meanwhile|however|still|also|then|instead|separately|overall|previously"
    r"|finally|but|and|so|yet)\b[^,]{0,40},\s*)",
    re.I,
)
# A descriptor before a name: "Binance founder", "former FTX CEO", "Chelsea boss", "The Verge's";
# not a word that makes the name the object of something else ("though", "with", "against").
_NOT_DESCRIPTOR = (
    r"(?:though|although|when|while|because|since|if|that|which|who|whom|as|after|before"
    r"|until|with|for|by|of|to|from|in|on|at|about|against|than|like|include|includes"
    r"|including|between|over|under|into|onto|without)"
)
_DESCRIPTOR = re.compile(rf"^(?:(?!{_NOT_DESCRIPTOR}\s)[\w.&’'-]+\s+){{0,3}}$", re.I)
_APPOSITIVE = re.compile(r"^\s*(?:,[^,;]{1,90},|\([^)]{1,90}\)|[—–][^—–]{1,90}[—–])\s*")
_POSSESSIVE = re.compile(r"^[’']s?\s+")


def _verb_follows(rest: str) -> bool:
    """Whether the words after a name start with a verb (after an appositive or a bracket)."""
    rest = _APPOSITIVE.sub("", rest, count=1)
    words = re.findall(r"[\w’'-]+", rest)[:4]
    for w in words:
        lw = w.lower()
        if lw in _ADVERBS or lw.endswith("ly"):
            continue
        if not w.islower():
            return False
        return (
            lw in _AUX
            or lw.endswith("ed")
            or (lw.endswith("s") and not lw.endswith(("ss", "us", "is")) and len(lw) > 3)
        )
    return False


# Where an independent clause starts inside a sentence. A subordinate clause ("though Meta
# began blocking news in Canada", in a report on a suit against Google) is background to
# what the sentence says, not its news.
_CUT = re.compile(r"[;:—–]|,\s(?:and|but|so|yet)\b")
# Where any clause starts, subordinate ones included: for picking the sentence to answer with
# among passages already chosen ("..., when Sam Bankman-Fried ... was found guilty").
_CUT_ANY = re.compile(
    r"[;:—–]|,?\s\b(?:when|after|while|because|since|although|though|as|before|until|once"
    r"|and|but|so|yet|where|whereas|if)\b",
    re.I,
)


# A name side by side with another ("Google and Meta's pixels", "Musk, Page, Zuckerberg"): one
# item of a list, not what the clause is about, unless the other is also the question's.
_LIST_BEFORE = re.compile(r"\b([A-Z][\w-]*)(?:[’']s)?\s*(?:,|\band\b|&|\bor\b)\s*$")
_LIST_AFTER = re.compile(r"^(?:[’']s)?\s*(?:,|\band\b|&|\bor\b)\s*([A-Z][\w-]*)")


_TOGETHER = re.compile(r"^\s*(?:,|and|&)\s*((?:[A-Z][\w-]*(?:\s+|$))+)")


def _listed(before: str, after: str, own: AbstractSet[str]) -> bool:
    for m in (_LIST_BEFORE.search(before), _LIST_AFTER.match(after)):
        if m and m.group(1) not in own:
            return True
    return False


def _clause_subject(
    sentence: str,
    name: re.Pattern[str],
    own: AbstractSet[str] = frozenset(),
    cut: re.Pattern[str] = _CUT,
) -> bool:
    """Whether the name opens a clause of the sentence, not as an item of a list of other
    names (`own`: the question's name words, which may stand beside it), and a verb follows."""
    for m in name.finditer(sentence):
        before, after = sentence[: m.start()], sentence[m.end() :]
        if _listed(before, after, own):
            continue
        together = _TOGETHER.match(after)  # "Taylor Swift and Travis Kelce were ..."
        while together and set(together.group(1).split()) <= own:
            after = after[together.end() :]
            together = _TOGETHER.match(after)
        # "ten Hag's side have ..." is about ten Hag: the verb may follow a possessed noun.
        tails = [after]
        poss = _POSSESSIVE.match(after)
        if poss:
            rest = after[poss.end() :]
            nouns = (re.match(rf"(?:[a-z][\w-]*\s+){{{n}}}", rest) for n in (1, 2))
            tails = [rest[n.end() :] for n in nouns if n]
        if not any(_verb_follows(t) for t in tails):
            continue
        cuts = [c.end() for c in cut.finditer(before)]
        head = before[cuts[-1] :] if cuts else before
        head = _LEAD_IN.sub("", head.strip(), count=1)
        if _DESCRIPTOR.match(f"{head} " if head else ""):
            return True
    return False


def about(text: str, names: list[Name]) -> bool:
    """Whether each of the names is the subject of a clause of the text (the names given
    together, "Taylor Swift and Travis Kelce", each in a clause of its own or side by side)
    in a whole sentence: a sub-head ("OpenAI becomes a product company") reports nothing."""
    if not names:
        return False
    pats = [n.pattern(text) for n in names]
    whole = [x for x in sentences(text) if is_complete(x)]
    own = {w for n in names for w in re.findall(r"[A-Z][\w-]*", n.full)}
    return all(any(_clause_subject(x, p, own) for x in whole if p.search(x)) for p in pats)


# How articles describe a person or product by what it belongs to: "FTX founder Sam
# Bankman-Fried", "former FTX CEO Sam Bankman-Fried", "Binance founder Changpeng Zhao",
# "Sam Bankman-Fried, the founder of FTX,", "Google's Gemini".
_ROLE = (
    r"(?i:(?:co-?)?(?:founder|ceo|chief executive|boss|chairman|chair|owner|president|star"
    r"|coach|manager|head|executive|creator|maker|parent|chief|mayor|minister|governor|senator"
    r"|leader|captain|director|spokes(?:man|woman|person))s?)"
)
_ORG = r"[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2}"
_NOT_ORG = {"The", "Former", "Then", "Ex", "A", "An", "Its", "His", "Her", "Their", "MORE"}


def aliases(name: Name, texts: list[str], min_count: int = 2) -> set[str]:
    """What the texts call the name's holder besides the name: the organisation of a role
    before or after it, or the owner in a possessive, seen at least `min_count` times."""
    full = re.escape(name.full)
    patterns = [
        # Case-blind, so that the organisation may run into a compound role ("Chelsea head
        # coach"); only its capitalised words are kept.
        re.compile(rf"(?<![\w-])({_ORG})\s+{_ROLE}\s+{full}(?![\w-])", re.I),
        re.compile(
            rf"{full},\s+(?i:the\s+)?(?i:former\s+)?{_ROLE}\s+of\s+(?:the\s+)?"
            rf"(?:[a-z][\w-]*\s+){{0,3}}({_ORG})"
        ),
        re.compile(rf"(?<![\w-])({_ORG})[’']s?\s+{full}(?![\w-])"),
    ]
    counts: dict[str, int] = {}
    for text in texts:
        for p in patterns:
            for m in p.finditer(text):
                words = [w for w in m.group(1).split() if w not in _NOT_ORG and w[:1].isupper()]
                org = " ".join(words)
                if org and org not in name.full:
                    counts[org] = counts.get(org, 0) + 1
    return {org for org, n in counts.items() if n >= min_count}


def headline_names(title: str, name: Name, known_as: set[str]) -> bool:
    """Whether a headline names the subject, by name or by what the articles call it."""
    forms = [name.full, name.short, *known_as]
    return any(
        re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", title, 0 if f[:1].isupper() else re.I)
        for f in forms
    )


def subject_of(sentence: str, names: list[Name], context: str = "") -> bool:
    """Whether one of the names is the subject of a clause of this whole sentence, a
    subordinate one included (a short form counts when the sentence or its context, the
    passage it is from, gives the full)."""
    if not names or not is_complete(sentence):
        return False
    own = {w for n in names for w in re.findall(r"[A-Z][\w-]*", n.full)}
    return any(
        _clause_subject(sentence, n.pattern(f"{context}\n{sentence}"), own, _CUT_ANY) for n in names
    )


def names_all(text: str, names: list[Name], context: str = "") -> bool:
    """Whether the text names every name (a short form counts when the text or its context,
    such as the article's title, gives the full one)."""
    return bool(names) and all(n.pattern(f"{context}\n{text}").search(text) for n in names)
