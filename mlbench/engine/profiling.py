"""Profile an uploaded file in a child process: ``python -m mlbench.engine.profiling SPEC.json``.

The profiling job calls :func:`profile_file`; Spark then starts in a short-lived child (on
``local[1]`` unless told otherwise) instead of inside the queue worker, and a bad file is
refused by the plain-Python pre-check before any JVM starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from mlbench.engine.childproc import child_env
from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.pdftext import pdf_as_text_file
from mlbench.engine.precheck import sample_file

DEFAULT_PROFILE_MASTER = "local[1]"


def profile_file(
    path: str | Path,
    fmt: str,
    *,
    delimiter: str | None = None,
    master: str = DEFAULT_PROFILE_MASTER,
    preview_rows: int = 20,
    timeout_seconds: float = 600.0,
) -> dict:
    """``{format, kind, delimiter, schema: [{name, type}], schema_json, row_count, preview}``.

    Keep ``schema_json`` and ``delimiter`` and pass them to every benchmark of this file.
    Raises MLBenchInputError for files a person has to fix, RuntimeError otherwise.
    """
    path = Path(path)
    text_path, text_fmt = (pdf_as_text_file(path), "txt") if fmt == "pdf" else (path, fmt)
    sample_file(text_path, text_fmt, delimiter=delimiter, records=False)
    spec = {
        "path": str(path),
        "format": fmt,
        "delimiter": delimiter,
        "master": master,
        "preview_rows": preview_rows,
    }
    with tempfile.TemporaryDirectory(prefix="mlbench-profile-") as scratch:
        spec_path = Path(scratch) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "mlbench.engine.profiling", str(spec_path)],
                capture_output=True,
                text=True,
                env=child_env(),
                timeout=timeout_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(
                f"Profiling {path.name} took longer than {timeout_seconds:g} s."
            ) from None
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    answer = json.loads(lines[-1]) if lines else {}
    if "profile" in answer:
        answer["profile"]["format"] = fmt
        return answer["profile"]
    if answer.get("user_error"):
        raise MLBenchInputError(answer["message"], field=answer.get("field"))
    tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
    raise RuntimeError(f"Profiling {path.name} failed: {answer.get('message', tail)}")


def main(argv: list[str] | None = None) -> int:
    from mlbench.engine.loaders import profile_dataset
    from sparkhub.spark import start_spark_session

    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text())
    spark = start_spark_session(
        "mlbench-profile", master=spec["master"], conf={"spark.ui.enabled": "false"}
    ).session
    spark.sparkContext.setLogLevel("ERROR")
    try:
        profile = profile_dataset(
            spark,
            spec["path"],
            spec["format"],
            delimiter=spec.get("delimiter"),
            preview_rows=spec["preview_rows"],
        )
        answer = {"profile": profile}
    except MLBenchInputError as error:
        answer = {"user_error": True, "message": error.message, "field": error.field}
    except Exception as error:
        answer = {"user_error": False, "message": f"{type(error).__name__}: {error}"[:2000]}
    finally:
        spark.stop()
    print(json.dumps(answer, default=str))
    return 0 if "profile" in answer else 1


if __name__ == "__main__":
    raise SystemExit(main())
