import py_compile
from pathlib import Path

DAG = Path(__file__).resolve().parents[2] / "deploy" / "airflow" / "returns_dag.py"


def test_the_example_airflow_dag_compiles():
    py_compile.compile(str(DAG), doraise=True)


def test_the_example_airflow_dag_starts_a_run_and_polls_its_status():
    source = DAG.read_text()

    assert '"POST", START_PATH' in source
    assert '_call("GET", STATUS_PATH' in source
