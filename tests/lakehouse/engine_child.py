"""Run a pipeline with the engine alone, in a process of its own that a test can kill.

    python -m tests.lakehouse.engine_child CONF_PATH [key=value ...]

With ``PAUSE_AFTER_RENAMES=N`` and ``PAUSED_FILE=path`` set, the N-th rename the publish makes
creates ``path`` and then waits, so the test can SIGKILL the process at that exact point of the
publish. Nothing else is changed: the run is the engine's own, on a real Spark session.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def pause_publish_after(renames: int, paused_file: Path) -> None:
    from lakehouse.engine import storage

    real_rename = os.rename
    done = 0

    def rename(source, destination, *args, **kwargs):
        nonlocal done
        real_rename(source, destination, *args, **kwargs)
        if storage.WORK_DIR not in f"{source}{destination}":
            return  # not the publish (Spark's own files)
        done += 1
        if done == renames:
            paused_file.write_text(f"{source} -> {destination}\n")
            time.sleep(600)  # the test kills us here

    storage.os.rename = rename


def main(conf: str, overrides: list[str]) -> int:
    from lakehouse.engine import run_pipeline
    from sparkhub.spark import start_spark_session

    if os.environ.get("PAUSE_AFTER_RENAMES"):
        pause_publish_after(int(os.environ["PAUSE_AFTER_RENAMES"]), Path(os.environ["PAUSED_FILE"]))
    session = start_spark_session(
        "lakehouse-engine-child",
        master="local[1]",
        conf={"spark.ui.enabled": "false", "spark.driver.host": "127.0.0.1"},
    ).session
    report = run_pipeline(Path(conf), overrides=overrides, spark=session)
    print(json.dumps({"status": report["status"], "error": report["error"]}))
    return 0 if report["status"] == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
