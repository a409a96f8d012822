import os
import signal
import subprocess
import sys
import time

from mlbench.engine.machine import machine_facts, process_tree_cpu_seconds

BURN_THEN_WAIT = (
    "import time\n"
    "end = time.process_time() + 0.4\n"
    "while time.process_time() < end: pass\n"
    "print('burnt', flush=True)\n"
    "time.sleep(30)\n"
)


def test_process_tree_cpu_seconds_counts_the_cpu_of_live_descendants():
    # A parent that burns nothing itself and a child that burns 0.4 s, as a driver and its JVM.
    # Measured from the parent, so other processes of the test run cannot disturb the figure.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys\n"
            f"child = subprocess.Popen([sys.executable, '-c', {BURN_THEN_WAIT!r}])\n"
            "child.wait()\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert parent.stdout.readline().strip() == "burnt"
        time.sleep(0.1)  # let the kernel account the last tick

        used = process_tree_cpu_seconds(parent.pid)
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()

    assert used >= 0.35


def test_machine_facts_record_cores_and_load():
    facts = machine_facts()

    assert facts["cpu_count"] >= facts["available_cores"] >= 1
    assert facts["load_average"] is None or len(facts["load_average"]) == 3
