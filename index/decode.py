"""Bytes to text for files and web bodies: BOMs, declared charsets, detected legacy encodings,
and binary data refused with a reason instead of being indexed as text."""

from __future__ import annotations

import codecs
import re

from index.errors import AssistantError

# Magic numbers of the binary formats people most often drop into a news folder by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, carriage return and form feed: text has few.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# A non-ASCII symbol between two letters (apostrophes and dashes aside) is a letter of another
# code page that cp1252 reads as punctuation.
_INSIDE_WORD = re.compile(r"(?<=[^\W\d_])[^\w\s\x00-\x7f’‘–—·•«»“”€°]+(?=[^\W\d_])")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


def binary_kind(data: bytes) -> str | None:
    """What binary format `data` looks like ('a PNG image', 'binary data'), or None for text."""
    if data.startswith(tuple(b for b, _ in _BOMS)):
        return None
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:8192]
    if not head:
        return None
    if b"\x00" in head and not _looks_utf16(head):
        return "binary data"
    if len(_CONTROL.findall(head)) > max(2, len(head) // 100):
        return "binary data"
    return None


def _garbled(text: str) -> bool:
    """A decoded text of which 1 character in 20 or more is U+FFFD (bytes that did not decode)."""
    bad = text.count("\ufffd")
    return bad > 0 and bad * 20 >= len(text.strip())


def _looks_utf16(head: bytes) -> bool:
    """BOM-less UTF-16 has a NUL in every other byte of ASCII text."""
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) > 0.4 * (len(head) / 2)


def _as_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16 text (NUL bytes are valid UTF-8, so this comes first), or None."""
    head = data[:8192]
    if b"\x00" not in head or not _looks_utf16(head):
        return None
    odd_nuls = head[1::2].count(0) > head[0::2].count(0)
    text = data.decode("utf-16-le" if odd_nuls else "utf-16-be", errors="replace")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f")
    return text if sample and controls <= len(sample) // 100 else None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML <meta> or XML declaration names in the first 4 KB, if any."""
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> str:
    """Text of `data`; raise a one-line AssistantError naming `name` when it is binary.

    Order: a BOM wins; then a declared charset (HTTP header, meta tag) when it decodes cleanly;
    then strict UTF-8; then the encoding charset-normalizer detects.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            if _garbled(text):
                # A file cut or overwritten mid-write ("\xff\xfe\x00"): indexing it as "\ufffd"
                # would replace the good article a re-ingest must keep.
                raise AssistantError(
                    f"{name}: starts with a {codec} byte-order mark but the rest does not decode "
                    "as it (the file may be cut short or damaged); save it again as UTF-8."
                )
            return text
    kind = binary_kind(data)
    if kind == "binary data" or kind is None:
        utf16 = _as_utf16(data)
        if utf16 is not None:
            return utf16
    if kind:
        raise AssistantError(
            f"{name} is {kind}, not text; convert it to text, HTML or JSON (PDFs: name the file "
            ".pdf) or remove it."
        )
    for label in (declared, declared_charset(data)):
        if not label:
            continue
        codec = _normal(label)
        if codec == "cp1252":
            # cp1252 decodes almost any bytes, and UTF-8 pages labelled latin-1 are common.
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _detect(data, name)


def _normal(codec: str) -> str:
    try:
        found = codecs.lookup(codec).name
    except LookupError:
        return codec
    # Browsers read a page labelled latin-1 as cp1252 (the WHATWG encoding standard).
    return "cp1252" if found in ("latin-1", "iso8859-1", "ascii") else found


# The accented letters of the languages written in each single-byte Latin code page. A text
# whose non-ASCII letters all belong to one language's alphabet under one reading, and not under
# the other, is in that reading's code page: Czech "Sněmovna řekl" read as cp1252 is
# "Snìmovna øekl", letters of no single language (ì is Italian, ø Nordic).
_ALPHABETS: dict[str, tuple[str, ...]] = {
    "cp1252": (
        "àâæçéèêëîïôœùûüÿ",  # French
        "äöüß",  # German
        "áéíñóúüÁÉÍÑÓÚ",  # Spanish
        "àèéìíîòóù",  # Italian
        "àáâãçéêíóôõú",  # Portuguese
        "æøåé",  # Danish, Norwegian
        "åäöé",  # Swedish, Finnish
        "áðéíóúýþæö",  # Icelandic
        "éëïèöü",  # Dutch
        "àçèéíïòóú",  # Catalan
    ),
    "cp1250": (
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "ąćęłńóśźż",  # Polish
        "áéíóöőúüű",  # Hungarian
        "ăâîșțşţ",  # Romanian
        "čćđšž",  # Croatian, Slovene, Bosnian
        "äöüß",  # German
    ),
}


def _fit(text: str, alphabets: tuple[str, ...]) -> float:
    """Share of the text's accented letters (by occurrence) that the best-fitting single
    language's alphabet holds."""
    accented = [c.lower() for c in text if c.isalpha() and not c.isascii()]
    if not accented:
        return 1.0
    return max(sum(c in a.lower() for c in accented) for a in alphabets) / len(accented)


def _as_latin(data: bytes) -> str | None:
    """`data` read as cp1252 or cp1250, whichever makes its accented letters one language's
    (a tie is cp1252's, the common case); None when neither reads as Latin text."""
    western = _as_western(data)
    try:
        central = data.decode("cp1250")
    except UnicodeDecodeError:
        return western
    if _fit(central, _ALPHABETS["cp1250"]) > _fit(western or "", _ALPHABETS["cp1252"]):
        letters = [c for c in central if c.isalpha()]
        if letters and sum(not c.isascii() for c in letters) <= 0.3 * len(letters):
            return central
    return western


def _detect(data: bytes, name: str) -> str:
    latin = _as_latin(data)
    if latin is not None:
        return latin
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise AssistantError(
            f"{name}: the text encoding could not be recognised; save the file as UTF-8."
        )
    return str(best)


def _as_western(data: bytes) -> str | None:
    """`data` as cp1252 when it reads as Western European text, else None.

    Detectors guess among look-alike single-byte code pages from few accented letters and often
    pick a Baltic or Central European one for French or German news. Text in a Western language
    has mostly ASCII letters with some accented Latin ones; Cyrillic or Greek bytes read as
    cp1252 give a majority of accented letters, so they go to the detector.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    accented = [c for c in letters if not c.isascii()]
    if not letters or len(accented) > 0.3 * len(letters):
        return None
    if _INSIDE_WORD.search(text):
        return None  # 'Za¿ó³æ': Central European letters that cp1252 reads as symbols
    return text
