"""The whole mlbench flow in a real browser, with a real RQ worker running Spark behind it:
upload, profile, benchmark form, live progress, results and charts; and a bad input's message.
"""

from __future__ import annotations

import json
import re

import pytest

from mlbench.engine.synthetic import COLUMNS, write_synthetic
from tests.conftest import ARTIFACTS, log_in
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import kill_tree, manage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_queues"),
]

SPARK_WAIT_MS = 240_000  # a JVM start per worker count on a busy 2-core machine
# Records every live update of the job's status box in sessionStorage, which survives the
# reload live.js does once the run is over.
RECORD_LIVE_UPDATES = """() => {
  window.notReloaded = true;
  sessionStorage.setItem('seen', '[]');
  const box = document.querySelector('#job-status');
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem('seen'));
    seen.push(box.innerText);
    sessionStorage.setItem('seen', JSON.stringify(seen));
  }).observe(box, { childList: true, subtree: true });
}"""


@pytest.fixture(autouse=True, scope="module")
def orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; the database is flushed after
    # ``page`` has ended, so the ORM's async guard must stand down until this module ends.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def spark_worker(django_db_setup, worker_env, tmp_path):
    """An RQ worker on the spark queue for the whole test, sharing the test database."""
    env = {**worker_env, "SPARK_EVENTLOG_DIR": str(tmp_path / "events")}
    worker = manage("rqworker", "spark", env=env)
    yield worker
    kill_tree(worker)


def upload(page, live_server, path) -> None:
    page.goto(f"{live_server.url}/mlbench/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/mlbench/datasets/\d+/$"))
    # live.js reloads the page once profiling is over; the profile's summary comes with that.
    page.wait_for_selector("#profile-status + p", timeout=SPARK_WAIT_MS)


def start_benchmark(page, tasks, worker_counts: str, options: str = "") -> None:
    for task in tasks:
        page.check(f"#benchmark-form input[name=tasks][value={task}]")
    page.fill("#id_worker_counts", worker_counts)
    page.fill("#id_repetitions", "1")
    page.fill("#id_options", options)
    page.click("#benchmark-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/mlbench/jobs/\d+/$"))


def test_upload_profile_benchmark_and_see_live_progress_results_and_charts(
    spark_worker, page, live_server, tmp_path
):
    csv = write_synthetic(tmp_path / "shop.csv", rows=200)
    UserFactory(username="mira")
    log_in(page, live_server, "mira")
    ARTIFACTS.mkdir(exist_ok=True)

    upload(page, live_server, csv)

    assert (
        "200 rows, 10 columns (table), delimiter ,"
        in page.locator("#profile-status + p").inner_text()
    )
    schema = page.locator("h2:has-text('Profile') ~ table").first.locator("tbody tr")
    assert [row.locator("td").first.inner_text() for row in schema.all()] == list(COLUMNS)
    assert "double" in schema.nth(1).inner_text()
    preview = page.locator(".scroll table")
    assert preview.locator("thead th").all_text_contents() == list(COLUMNS)
    assert preview.locator("tbody tr").count() == 20
    assert preview.locator("tbody tr").first.locator("td").first.inner_text() == "1"
    page.screenshot(path=str(ARTIFACTS / "mlbench-dataset.png"), full_page=True)

    start_benchmark(page, ["linear_regression", "kmeans"], "1,2", "k=3")
    page.evaluate(RECORD_LIVE_UPDATES)
    # The status box changes in place while the run is active; live.js reloads the page once,
    # when the run is over, to draw the results (or the problems).
    page.wait_for_selector(".chart .main-svg, h2:has-text('Problems')", timeout=SPARK_WAIT_MS)

    assert page.locator("#job-status span.status-succeeded").count() == 1
    seen = json.loads(page.evaluate("sessionStorage.getItem('seen')"))
    progress = [int(p) for text in seen for p in re.findall(r"(\d+)%", text)]
    assert any(0 < p < 100 for p in progress), seen  # intermediate progress, live
    assert "Succeeded" in seen[-1] and "100%" in seen[-1], seen  # done, seen live too
    assert page.evaluate("window.notReloaded") is None  # the one reload came after that
    scaling = page.locator("h2:has-text('Scaling') + table tbody tr")
    assert scaling.count() == 4  # 2 tasks x 2 worker counts
    results = page.locator("h2:has-text('Results') + table tbody tr")
    assert sorted(tuple(row.locator("td").all_inner_texts()[:2]) for row in results.all()) == [
        ("kmeans", "1"),
        ("kmeans", "2"),
        ("linear_regression", "1"),
        ("linear_regression", "2"),
    ]
    assert "r2" in page.locator("h2:has-text('Results') + table").inner_text()
    charts = page.locator(".chart")
    names = [charts.nth(i).get_attribute("id") for i in range(charts.count())]
    assert {"time_vs_workers", "speedup", "efficiency", "spark_vs_baseline"} <= set(names)
    assert {"result_linear_regression", "result_kmeans"} <= set(names)
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("svg.main-svg").count() >= 1, names[index]
        assert chart.locator("g.trace").count() >= 1, names[index]  # data drawn, not axes only
    assert page.locator(".error").count() == 0
    page.screenshot(path=str(ARTIFACTS / "mlbench-job.png"), full_page=True)


def test_a_one_class_label_ends_with_a_clear_message_on_the_job_page(
    spark_worker, page, live_server, tmp_path
):
    csv = tmp_path / "one_class.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i},{i % 7},yes\n" for i in range(60)))
    UserFactory(username="tomas")
    log_in(page, live_server, "tomas")
    ARTIFACTS.mkdir(exist_ok=True)
    upload(page, live_server, csv)

    start_benchmark(page, ["logistic_regression"], "1", "label=label")
    page.wait_for_selector("h2:has-text('Problems')", timeout=SPARK_WAIT_MS)  # after reload

    assert page.locator("#job-status span.status-failed").count() == 1
    message = "The label column 'label' has only one class ('yes'); logistic regression needs"
    assert message in page.locator("#job-status pre.error").inner_text()
    assert message in page.locator("h2:has-text('Problems') + ul").inner_text()
    assert "Traceback" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "mlbench-bad-input.png"), full_page=True)
