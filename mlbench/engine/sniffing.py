"""Decide what an uploaded file really is from its first bytes, without Spark or pypdf.

The upload form calls :func:`sniff_format` with the file name and the first
:data:`SNIFF_BYTES` bytes; a renamed binary (an image or archive called ``data.csv``) is refused
before anything is stored.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from mlbench.engine.errors import MLBenchInputError

SNIFF_BYTES = 8192
SUPPORTED_FORMATS = ("csv", "json", "txt", "pdf")
EXTENSION_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".json": "json",
    ".ndjson": "json",
    ".jsonl": "json",
    ".txt": "txt",
    ".text": "txt",
    ".pdf": "pdf",
}
# Magic numbers of binaries people most often rename by accident.
BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (or an Excel/Office file)",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"MZ": "a Windows executable",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"%PDF-": "a PDF",
    b"BZh": "a bzip2 archive",
    b"\x28\xb5\x2f\xfd": "a zstd archive",
    b"SQLite format 3": "an SQLite database",
}


def format_from_name(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in EXTENSION_FORMATS:
        allowed = ", ".join(sorted(EXTENSION_FORMATS))
        raise MLBenchInputError(
            f"{filename!r} has an unsupported extension; upload one of {allowed}.", field="file"
        )
    return EXTENSION_FORMATS[suffix]


def sniff_format(filename: str, head: bytes) -> str:
    """Return ``csv``, ``json``, ``txt`` or ``pdf`` when the content matches the name.

    Raises :class:`MLBenchInputError` for an empty file, a binary in disguise, a PDF that does
    not start with ``%PDF-``, text that is not UTF-8, or a JSON file that is not an array or
    objects.
    """
    declared = format_from_name(filename)
    if not head:
        raise MLBenchInputError(f"{filename!r} is empty.", field="file")
    if declared == "pdf":
        if not head.startswith(b"%PDF-"):
            raise MLBenchInputError(
                f"{filename!r} is named .pdf but is not a PDF (it must start with %PDF-).",
                field="file",
            )
        return "pdf"
    for signature, description in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise MLBenchInputError(
                f"{filename!r} is named .{declared} but its content is {description}.",
                field="file",
            )
    _require_utf8_text(filename, head)
    if declared == "json":
        first = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")[:1]
        if first not in ("[", "{"):
            raise MLBenchInputError(
                f"{filename!r} is not JSON: it must be an array of objects or one object per "
                "line (NDJSON).",
                field="file",
            )
    return declared


def _require_utf8_text(filename: str, head: bytes) -> None:
    if b"\x00" in head:
        raise MLBenchInputError(
            f"{filename!r} contains NUL bytes, so it is a binary file, not text.", field="file"
        )
    # An incremental decoder tolerates a multi-byte character cut off by the sniff window.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        raise MLBenchInputError(
            f"{filename!r} is not UTF-8 text (bad byte at offset {error.start}); save it as "
            "UTF-8 and upload it again.",
            field="file",
        ) from None
