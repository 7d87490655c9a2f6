"""PDF text, page by page (pypdf), so that a passage can name the page it starts on."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from index.errors import AssistantError


@dataclass
class PdfPages:
    """The text of each page (page 1 first; a page without text is '') and the metadata."""

    texts: list[str] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    published_at: str | None = None


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return _unwrap(re.sub(r"\n{3,}", "\n\n", text).strip())


def _soft_break(before: str, after: str) -> bool:
    """A PDF line break inside a sentence: the next line goes on in lower case ("night,\n
    forcing 450 residents"), or a number follows a line of prose ("will cost\n18 million").
    A heading, a list item or a table row starts its line otherwise."""
    if not before or not after or before[-1] in '.!?:;"”’)':
        return False
    if after[0].islower():
        return True
    # A prose line is long; a table header ("Year Cost") above a row of figures is not.
    prose = len(before.split()) >= 5
    return after[0].isdigit() and prose and (before[-1].islower() or before[-1] == ",")


def _unwrap(text: str) -> str:
    """Lines re-joined into the sentences they wrap: a sentence split by a line break was
    cited from its middle ("forcing 450 residents ...")."""
    lines = text.split("\n")
    out = lines[:1]
    for line in lines[1:]:
        if _soft_break(out[-1].rstrip(), line.lstrip()):
            glue = "" if out[-1].endswith("-") and line[:1].islower() else " "
            out[-1] = out[-1].rstrip() + glue + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def _meta_str(value: object) -> str | None:
    text = str(value).strip() if value else ""
    return text or None


def pdf_pages(data: bytes, name: str) -> PdfPages:
    """Text and metadata of a PDF; a one-line AssistantError naming `name` when it is not a
    readable PDF, is encrypted, or has no text layer (a scan)."""
    from pypdf import PdfReader

    # pypdf logs every recoverable syntax slip; the user gets our one line or nothing.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise AssistantError(
                f"{name}: the PDF is password-protected; save an unprotected copy and ingest that."
            )
        texts = [_tidy(page.extract_text() or "") for page in reader.pages]
        meta = reader.metadata
    except AssistantError:
        raise
    except Exception as err:  # malformed PDFs make pypdf raise any kind of error
        raise AssistantError(
            f"{name}: not a readable PDF ({type(err).__name__}); check the file or export it again."
        ) from None
    if not any(texts):
        raise AssistantError(
            f"{name}: the PDF has no text layer (a scan?); run OCR on it (e.g. ocrmypdf) and "
            "ingest the result."
        )
    out = PdfPages(texts)
    if meta is not None:
        out.title = _meta_str(meta.title)
        out.author = _meta_str(meta.author)
        try:
            created = meta.creation_date
        except (ValueError, TypeError):
            created = None  # a malformed date string is common and harmless
        if isinstance(created, datetime):
            out.published_at = created.isoformat()
    return out
