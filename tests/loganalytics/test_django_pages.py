"""The log analytics pages: upload, list with filters, application, job, stage, day, compare."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from explainer.services import submit_code
from loganalytics.models import EventLogImport, SparkApplication, SparkEvent
from loganalytics.services import import_event_log
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GEMINI_API_KEY = ""
    client.force_login(UserFactory())
    return client


def upload(client, name: str, content: bytes):
    return client.post("/loganalytics/", {"log": SimpleUploadedFile(name, content)}, follow=True)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def figure_on(page: str, json_id: str) -> dict:
    start = page.index(f'id="{json_id}"')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return json.loads(body)


def test_uploading_a_compressed_log_leads_to_its_application_page(user_client, eventlog, manifest):
    response = upload(user_client, "local-1795303946911.lz4", eventlog("lz4_retries").read_bytes())

    app_id = manifest["lz4_retries"]["app_id"]
    assert response.redirect_chain[-1][0] == f"/loganalytics/applications/{app_id}/"
    page = response.content.decode()
    timeline = figure_on(page, "timeline-figure")
    bars = timeline["data"][0]
    assert bars["type"] == "bar" and bars["orientation"] == "h"
    assert "Job 0" in bars["y"] and any(label.strip().startswith("Stage") for label in bars["y"])
    assert "failed_tasks" in page and "Read the first error" in page  # finding + recommendation
    assert "driver" in page  # the executors table
    assert "make_eventlogs.py:" in page  # stage call sites


def test_uploading_a_zip_of_a_rolling_directory_imports_it(user_client, eventlog, manifest):
    folder = eventlog("rolling_zstd")
    files = {f"{folder.name}/{f.name}": f.read_bytes() for f in folder.iterdir()}

    response = upload(user_client, "rolling.zip", zipped(files))

    assert response.status_code == 200
    assert SparkApplication.objects.get().app_id == manifest["rolling_zstd"]["app_id"]


def test_uploading_the_same_log_twice_says_nothing_changed(user_client, eventlog, settings):
    upload(user_client, "local-1795303958039.snappy", eventlog("snappy_shuffle").read_bytes())
    events = SparkEvent.objects.count()

    again = upload(
        user_client, "local-1795303958039.snappy", eventlog("snappy_shuffle").read_bytes()
    )

    assert "nothing changed" in again.content.decode()
    assert SparkEvent.objects.count() == events
    assert len(list((settings.MEDIA_ROOT / "eventlogs").iterdir())) == 1


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eventlog_v2_x/events_1_x", b"\0" * (20 << 20))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("empty.log", b"", "empty.log: no complete event"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "report.pdf, line 1"),
        ("noise.bin", bytes(range(256)) * 64, "noise.bin"),
        ("wrong.json", b'{"Event": "SparkListenerJobStart", "Job ID": "x"}\n', "Job ID"),
        ("travel.zip", zipped({"../evil/events_1_x": b"{}"}), "unsafe path"),
        ("bomb.zip", bomb(), "zip bomb"),
        ("fake.zip", b"PK not really", "not a zip archive"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_nothing_is_kept(
    user_client, settings, name, content, expected
):
    response = upload(user_client, name, content)

    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page.replace("&#x27;", "'")
    assert str(settings.MEDIA_ROOT) not in page
    assert SparkApplication.objects.count() == 0 and SparkEvent.objects.count() == 0
    assert not any((settings.MEDIA_ROOT / "eventlogs").iterdir())


def test_the_list_filters_by_status_name_and_findings(user_client, eventlog, manifest):
    import_event_log(path=eventlog("lz4_retries"))
    import_event_log(path=eventlog("plain_inprogress"))

    def listed(query: str) -> str:
        page = user_client.get(f"/loganalytics/?{query}").content.decode()
        return page[page.index("<h2>Applications</h2>") : page.index("Recent imports")]

    running, by_name, critical = (
        listed("status=running"),
        listed("q=lz4"),
        listed("findings=critical"),
    )

    assert manifest["plain_inprogress"]["app_id"] in running
    assert manifest["lz4_retries"]["app_id"] not in running
    assert manifest["lz4_retries"]["app_id"] in by_name
    assert manifest["plain_inprogress"]["app_id"] not in by_name
    assert manifest["lz4_retries"]["app_id"] in critical


def test_job_and_stage_pages_show_distributions_and_numbers(user_client, eventlog, manifest):
    import_event_log(path=eventlog("snappy_shuffle"))
    app_id = manifest["snappy_shuffle"]["app_id"]
    application = SparkApplication.objects.get()
    assert application.stage_count > 1

    job_page = user_client.get(f"/loganalytics/applications/{app_id}/jobs/0/").content.decode()
    stage_page = user_client.get(f"/loganalytics/applications/{app_id}/stages/0/0/")

    assert figure_on(job_page, "job-tasks-figure")["data"][0]["type"] == "box"
    assert "Success rate" in job_page
    page = stage_page.content.decode()
    assert figure_on(page, "stage-tasks-figure")["data"][0]["type"] == "histogram"
    for label in ("Shuffle read", "Shuffle write", "Spill", "GC time", "Input", "Output"):
        assert f"<dt>{label}</dt>" in page
    assert user_client.get(f"/loganalytics/applications/{app_id}/stages/99/0/").status_code == 404
    assert user_client.get(f"/loganalytics/applications/{app_id}/jobs/99/").status_code == 404


def test_a_stage_links_to_the_explainer_analysis_of_its_call_site(user_client, eventlog):
    submission, _ = submit_code(files={"make_eventlogs.py": "x = 1\n"}, title="the script")
    import_event_log(path=eventlog("lz4_retries"))

    page = user_client.get(SparkApplication.objects.get().get_absolute_url()).content.decode()

    assert f"/explainer/{submission.pk}/#Lmake_eventlogs.py-" in page


def test_the_daily_summary_page_matches_the_api(user_client):
    day = "2026-01-01"
    events = [
        {"event": "SparkListenerJobStart", "job_id": 1, "timestamp": 1767261600000},
        {
            "event": "SparkListenerTaskEnd",
            "job_id": 1,
            "timestamp": 1767261601000,
            "task_id": 1,
            "duration_ms": 40,
            "successful": False,
        },
        {
            "event": "SparkListenerJobEnd",
            "job_id": 1,
            "timestamp": 1767261602000,
            "job_result": "JobFailed",
        },
    ]
    user_client.post("/logs/ingest", json.dumps(events), content_type="application/json")
    api = user_client.get(f"/analytics/summary?date={day}").json()

    page = user_client.get(f"/loganalytics/summary?date={day}").content.decode()

    assert api["summary"]["failed_jobs"] == 1
    assert f"Jobs on {day}" in page and "FAILED" in page
    assert "/loganalytics/applications/default/jobs/1/" in page
    assert user_client.get("/loganalytics/summary?date=soon").status_code == 302


def test_comparing_two_runs_shows_what_got_slower(user_client, eventlog, manifest):
    import_event_log(path=eventlog("cluster_executor_loss"))
    import_event_log(path=eventlog("duplicate_stage_completed"))
    base, new = (
        manifest["cluster_executor_loss"]["app_id"],
        manifest["duplicate_stage_completed"]["app_id"],
    )

    page = user_client.get(f"/loganalytics/compare?base={base}&new={new}").content.decode()

    assert "Jobs, slowest change first" in page and "Stages, slowest change first" in page
    assert " ms" in page
    assert user_client.get("/loganalytics/compare").status_code == 302


def test_admin_re_analyses_and_re_imports_after_confirmation(client, eventlog, empty_queues):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    run = import_event_log(path=eventlog("lzf_shuffle"))
    application = run.application
    assert client.get("/admin/loganalytics/sparkapplication/?status=completed").status_code == 200
    assert client.get("/admin/loganalytics/sparkevent/?kind=TaskEnd").status_code == 200
    assert client.get("/admin/loganalytics/applicationfinding/").status_code == 200
    assert client.get("/admin/loganalytics/eventlogimport/").status_code == 200
    assert client.get("/admin/loganalytics/ingestbatch/").status_code == 200

    url = "/admin/loganalytics/sparkapplication/"
    chosen = {"_selected_action": [application.pk]}
    asked = client.post(url, {"action": "reimport", **chosen})
    assert b"re-import them" in asked.content and EventLogImport.objects.count() == 1
    client.post(url, {"action": "reimport", "confirmed": "yes", **chosen})
    queued = EventLogImport.objects.order_by("-pk").first()
    assert queued.status == "queued" and queued.origin == "admin" and queued.job_id

    SparkApplication.objects.filter(pk=application.pk).update(job_count=0)
    client.post(url, {"action": "reanalyse", **chosen})
    application.refresh_from_db()
    assert application.job_count > 0


def test_applications_fed_by_http_events_have_pages_and_history_server_answers(user_client):
    odd = {"event": "SparkListenerJobStart", "job_id": "a/b?c#d", "timestamp": 1767261600000}
    events = [
        odd,
        {"event": "SparkListenerJobStart", "job_id": "etl-1", "timestamp": 1767261600000},
        {
            "event": "SparkListenerTaskEnd",
            "job_id": "etl-1",
            "timestamp": 1767261601000,
            "task_id": 1,
            "duration_ms": 40,
        },
        {"event": "SparkListenerJobEnd", "job_id": "etl-1", "timestamp": 1767261602000},
    ]
    user_client.post("/logs/ingest", json.dumps(events), content_type="application/json")

    listing = user_client.get("/loganalytics/").content.decode()
    page = user_client.get("/loganalytics/applications/default/")
    job_page = user_client.get("/loganalytics/applications/default/jobs/etl-1/").content.decode()
    jobs = user_client.get("/api/v1/applications/default/jobs").json()

    assert "/loganalytics/applications/default/" in listing
    assert page.status_code == 200 and "etl-1" in page.content.decode()
    assert figure_on(job_page, "job-tasks-figure")["data"][0]["type"] == "box"
    assert ("etl-1", "SUCCEEDED") in [(job["jobId"], job["status"]) for job in jobs]
    odd_page = user_client.get("/loganalytics/applications/default/jobs/a/b%3Fc%23d/")
    assert odd_page.status_code == 200 and "a/b?c#d" in odd_page.content.decode()
    assert user_client.get("/api/v1/applications/default/jobs/etl-1").status_code == 200


def test_a_large_upload_is_queued_for_a_worker(user_client, eventlog, monkeypatch):
    monkeypatch.setattr("loganalytics.services.UPLOAD_IN_REQUEST_BYTES", 0)

    response = upload(user_client, "local-1795303971359.lzf", eventlog("lzf_shuffle").read_bytes())

    run = EventLogImport.objects.get()
    assert response.redirect_chain[-1][0] == f"/runs/loganalytics.eventlogimport/{run.pk}/"
    assert run.status == "queued" and run.origin == "upload" and run.job_id
    assert "a worker is importing it" in response.content.decode()
