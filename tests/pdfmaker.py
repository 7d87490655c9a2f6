"""Minimal PDFs written by hand for the tests: pages of text (Helvetica) or a page with no
text layer, as a scanner would produce."""

from __future__ import annotations


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 3 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(content: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(content)}{extra} >>\nstream\n".encode() + content + b"\nendstream"


def make_pdf(pages: list[list[str]], title: str = "", author: str = "", date: str = "") -> bytes:
    """A PDF whose page i shows the lines pages[i]; `date` is a PDF date (D:20231105120000Z)."""
    # Objects: 1 catalog, 2 pages, 3 info, 4 font, then a (page, content) pair per page.
    kids = [5 + 2 * i for i in range(len(pages))]
    info = " ".join(
        f"/{k} ({_escape(v)})"
        for k, v in (("Title", title), ("Author", author), ("CreationDate", date))
        if v
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(pages)} >>".encode(),
        f"<< {info} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode("cp1252")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {kids[i] + 1} 0 R "
            "/Resources << /Font << /F1 4 0 R >> >> >>".encode()
        )
        objects.append(_stream(content))
    return _assemble(objects)


def make_scanned_pdf() -> bytes:
    """One page that paints a tiny grey image and has no text at all."""
    pixels = bytes([128, 64, 200, 30])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Producer (scanner) >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /XObject << /Im1 6 0 R >> >> >>",
        _stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
        _stream(
            pixels,
            " /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
            "/BitsPerComponent 8",
        ),
    ]
    return _assemble(objects)
