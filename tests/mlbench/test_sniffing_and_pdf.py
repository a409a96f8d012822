import pytest

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.pdftext import extract_pdf_text
from mlbench.engine.sniffing import sniff_format
from tests.mlbench.pdfs import blank_pdf, encrypted_pdf, text_pdf


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("data.csv", b"a,b\n1,2\n", "csv"),
        ("rows.json", b'  [{"a": 1}]', "json"),
        ("rows.ndjson", b'{"a": 1}\n{"a": 2}\n', "json"),
        ("notes.txt", "caf\u00e9 au lait\n".encode(), "txt"),
        ("paper.pdf", b"%PDF-1.7\n...", "pdf"),
    ],
)
def test_sniff_format_accepts_files_whose_content_matches_their_name(name, head, expected):
    assert sniff_format(name, head) == expected


@pytest.mark.parametrize(
    ("name", "head", "complaint"),
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n....", "PNG image"),
        ("archive.json", b"PK\x03\x04rest", "ZIP archive"),
        ("fake.pdf", b"hello, I am text", "%PDF-"),
        ("empty.csv", b"", "empty"),
        ("latin1.txt", "caf\u00e9".encode("latin-1") + b" more", "not UTF-8"),
        ("nul.txt", b"abc\x00def", "NUL"),
        ("list.json", b"1, 2, 3", "not JSON"),
        ("table.xlsx", b"PK\x03\x04", "unsupported extension"),
    ],
)
def test_sniff_format_refuses_disguised_or_unreadable_files(name, head, complaint):
    with pytest.raises(MLBenchInputError, match=complaint):
        sniff_format(name, head)


def test_sniff_format_tolerates_a_multibyte_character_cut_by_the_sniff_window():
    head = ("x" * 10 + "\u00e9").encode()[:-1]

    assert sniff_format("notes.txt", head) == "txt"


def test_extract_pdf_text_returns_the_text_layer_line_by_line(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(text_pdf(["Spark runs jobs", "Executors run tasks"]))

    text = extract_pdf_text(path)

    assert [line.strip() for line in text.splitlines() if line.strip()] == [
        "Spark runs jobs",
        "Executors run tasks",
    ]


def test_extract_pdf_text_explains_a_pdf_without_text(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())

    with pytest.raises(MLBenchInputError, match="no extractable text"):
        extract_pdf_text(path)


def test_extract_pdf_text_explains_an_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf(["top secret"]))

    with pytest.raises(MLBenchInputError, match="encrypted"):
        extract_pdf_text(path)


def test_extract_pdf_text_refuses_files_above_the_size_cap(tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(text_pdf(["x" * 200]))

    with pytest.raises(MLBenchInputError, match="MB"):
        extract_pdf_text(path, max_bytes=100)


def test_extract_pdf_text_stops_at_the_time_out(tmp_path):
    path = tmp_path / "slow.pdf"
    path.write_bytes(text_pdf(["anything"]))

    # No interpreter starts and parses a PDF in a millisecond, so this always times out.
    with pytest.raises(MLBenchInputError, match="longer than"):
        extract_pdf_text(path, timeout_seconds=0.001)


def test_extract_pdf_text_reports_a_corrupt_pdf_readably(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a pdf at all\n")

    with pytest.raises(MLBenchInputError, match=r"broken\.pdf"):
        extract_pdf_text(path)
