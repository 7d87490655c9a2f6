"""Wire copies (index/dedupe.py): a republished copy with other boilerplate, a trimmed last
paragraph and copy edits is found; another outlet's own article on the same event is not."""

from __future__ import annotations

from index.dedupe import CopyIndex, is_copy

STORY = [
    "The regional council of Veldmark approved a 42 million euro flood barrier on Tuesday after "
    "a year of public hearings, ending a dispute that had split the port town since the storm "
    "surge of last winter flooded more than 600 homes along the river.",
    "Engineers said the barrier would protect 12,000 homes and should be finished by the spring "
    "of 2026, two years ahead of the original plan, because the steel gates will be built in "
    "sections at the shipyard rather than on site.",
    "Opponents argued that the money would be better spent on moving the most exposed streets "
    "further inland, but the motion passed by 31 votes to 9 after a debate of almost six hours.",
    "Mayor Ilse Varnhagen said the town could not wait for another winter like the last one and "
    "promised that residents would be consulted on the design of the riverside walkway.",
]
# The same event, written up independently: same names and numbers, other sentences.
OTHER_OUTLET = [
    "Veldmark will get its flood barrier. On Tuesday councillors voted 31 to 9 for the 42 "
    "million euro scheme, a year after hearings began and months after last winter's surge "
    "left over 600 homes under water.",
    "Construction of the steel gates is due to finish in spring 2026. Critics, who wanted the "
    "most exposed streets relocated instead, lost the argument after a six hour debate.",
    "Mayor Ilse Varnhagen told reporters the town had no choice. Around 12,000 homes lie behind "
    "the planned barrier, according to the engineers who drew it up for the council.",
]


def wire_copy() -> str:
    paras = list(STORY[:-1])  # the last paragraph trimmed
    paras[0] = "VELDMARK (Wire) — " + paras[0].replace("approved", "has approved")
    paras[1] = paras[1].replace("Engineers said", "Engineers say").replace("sections ", "")
    return "\n".join(
        [*paras, "Reporting by Ana Ruiz; editing by Tom Hale.", "Copyright 2023 Wire Service."]
    )


def test_copy_found_and_other_outlet_kept_apart() -> None:
    original, copy, other = "\n".join(STORY), wire_copy(), "\n".join(OTHER_OUTLET)
    assert is_copy(original, copy) and is_copy(copy, original)
    assert not is_copy(original, other) and not is_copy(copy, other)
    index = CopyIndex()
    index.add("original", original)
    index.add("other", other)
    (match,) = index.find(copy)
    assert match.key == "original" and match.aligned > 0.85
    assert index.find(other, exclude="other") == []
    assert [m.key for m in index.find(original, exclude="original")] == []


def test_short_texts_and_removal() -> None:
    brief = "Veldmark approved a flood barrier on Tuesday."
    assert not is_copy(brief, brief)
    index = CopyIndex()
    index.add("brief", brief)
    assert index.find(brief) == []
    index.add("original", "\n".join(STORY))
    assert [m.key for m in index.find(wire_copy())] == ["original"]
    index.remove("original")
    assert index.find(wire_copy()) == [] and "original" not in index and len(index) == 1
    index.add("original", "\n".join(OTHER_OUTLET))  # a key re-added with new text
    assert index.find(wire_copy()) == []
