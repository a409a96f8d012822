"""Extract the text of a PDF with pypdf, capped in pages, bytes and time.

pypdf is pure Python and a hostile PDF can keep it busy for ever, so extraction runs in a child
process (``python -m mlbench.engine.pdftext FILE``) that is killed when the time-out passes. The
extracted text is then treated exactly like an uploaded TXT file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from mlbench.engine.childproc import child_env
from mlbench.engine.errors import MLBenchInputError

DEFAULT_MAX_PAGES = 200
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0


def extract_pdf_text(
    path: str | Path,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> str:
    """Return the text of the first ``max_pages`` pages, one line per text line."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise MLBenchInputError(
            f"{path.name} is {size / 1e6:.1f} MB; PDFs above {max_bytes / 1e6:.0f} MB are not "
            "extracted."
        )
    with path.open("rb") as handle:
        if not handle.read(5).startswith(b"%PDF-"):
            raise MLBenchInputError(f"{path.name} is not a PDF (it must start with %PDF-).")
    command = [sys.executable, "-m", "mlbench.engine.pdftext", str(path)]
    command += ["--max-pages", str(max_pages)]
    try:
        completed = subprocess.run(
            command, capture_output=True, timeout=timeout_seconds, env=child_env(), check=False
        )
    except subprocess.TimeoutExpired:
        raise MLBenchInputError(
            f"Extracting text from {path.name} took longer than {timeout_seconds:g} s and was "
            "stopped; try a smaller PDF."
        ) from None
    try:
        answer = json.loads(completed.stdout)
    except json.JSONDecodeError:
        tail = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:]
        raise MLBenchInputError(
            f"{path.name} could not be read as a PDF ({' '.join(tail) or 'the reader crashed'})."
        ) from None
    if "error" in answer:
        raise MLBenchInputError(answer["error"])
    return answer["text"]


def pdf_as_text_file(path: Path) -> Path:
    """Extract a PDF's text once into a cached TXT file keyed by the PDF's content."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    target = Path(tempfile.gettempdir()) / "mlbench-pdf-text" / f"{digest}.txt"
    if not target.exists():
        text = extract_pdf_text(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{digest}.{os.getpid()}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    return target


def read_pdf_text(path: Path, max_pages: int) -> str:
    """Extraction proper, in this process; raises MLBenchInputError for unreadable PDFs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise MLBenchInputError(
                f"{path.name} is encrypted with a password; upload an unprotected copy."
            )
        pages = reader.pages[:max_pages]
        text = "\n".join(page.extract_text() or "" for page in pages)
    except PdfReadError as error:
        raise MLBenchInputError(f"{path.name} is not a readable PDF: {error}") from None
    if not text.strip():
        raise MLBenchInputError(
            f"{path.name} has no extractable text (it may be a scanned image); upload a PDF with "
            "a text layer or a TXT file."
        )
    return text


def _opens_without_password(reader) -> bool:
    # Many PDFs carry only an owner password and open with an empty user password.
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a PDF's text as JSON.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--max-pages", type=int, default=DEFAULT_MAX_PAGES)
    args = parser.parse_args(argv)
    try:
        answer = {"text": read_pdf_text(args.path, args.max_pages)}
    except MLBenchInputError as error:
        answer = {"error": error.message}
    except Exception as error:
        answer = {"error": f"{args.path.name} is not a readable PDF: {error}"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
