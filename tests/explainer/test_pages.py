"""The explainer pages: submit by paste, files or zip; the result page; compare; admin."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from explainer.models import Finding, Submission
from explainer.services import submit_code
from tests.explainer.test_api import JOB
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(client, settings):
    settings.GEMINI_API_KEY = ""
    client.force_login(UserFactory())
    return client


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_pasted_code_leads_to_its_result_page_with_dag_findings_and_lineage(user_client):
    response = user_client.post("/explainer/", {"title": "Orders", "code": JOB}, follow=True)

    page = response.content.decode()
    submission = Submission.objects.get()
    assert response.redirect_chain[-1][0] == f"/explainer/{submission.pk}/"
    assert "<svg" in page and 'data-line="3"' in page  # the DAG, clickable to its line
    assert "AP-D01" in page and "collect() without a bound" in page
    assert 'class="code-line has-finding" id="Lmain.py-5"' in page
    assert "s3://lake/orders.csv" in page
    assert "at least <b>" in page
    assert Finding.objects.filter(submission=submission, rule="AP-D01", line=5).exists()


def test_a_zip_project_is_analysed_across_its_files(user_client):
    project = zipped({
        "job/main.py": "from job.io import load\ndf = load(spark)\ndf.collect()\n",
        "job/io.py": "def load(spark):\n    return spark.read.json('/raw/events')\n",
        "README.md": "not code",
    })  # fmt: skip
    upload = SimpleUploadedFile("job.zip", project, content_type="application/zip")

    user_client.post("/explainer/", {"uploads": [upload]})

    submission = Submission.objects.get()
    assert sorted(submission.files) == ["job/io.py", "job/main.py"]
    assert submission.analysis["sources"][0]["path_or_table"] == "/raw/events"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.zip", zipped({"../../etc/cron.py": "x = 1"}), "unsafe path"),
        ("junk.zip", b"PK\x03\x04 not really a zip", "not a valid zip"),
        ("empty.zip", zipped({"notes.txt": "hi"}), "no .py files"),
        ("data.csv", b"a,b\n1,2\n", "upload .py files"),
        ("latin.py", "x = 'caf\xe9'".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_stored(
    user_client, name, content, message
):
    upload = SimpleUploadedFile(name, content)

    response = user_client.post("/explainer/", {"uploads": [upload]})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Submission.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(user_client):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("huge.py", "#" * 50_000_000)
    upload = SimpleUploadedFile("bomb.zip", bomb.getvalue())

    response = user_client.post("/explainer/", {"uploads": [upload]})

    assert "the limit is" in response.content.decode()
    assert not Submission.objects.exists()


def test_submitting_nothing_explains_what_is_missing(user_client):
    response = user_client.post("/explainer/", {"code": "  "})

    assert "Paste some code or upload" in response.content.decode()


def test_the_documentation_downloads_as_markdown(user_client):
    submission, _ = submit_code(files={"main.py": JOB}, title="Orders")

    response = user_client.get(f"/explainer/{submission.pk}/documentation.md")

    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    assert "s3://lake/orders.csv" in response.content.decode()


def test_comparing_versions_shows_fixed_and_introduced_findings(user_client):
    old, _ = submit_code(files={"main.py": JOB}, title="v1")
    fixed = JOB.replace("rows = totals.collect()", "rows = totals.limit(10).collect()")
    fixed += 'totals.write.parquet("s3://lake/gold/totals")\n'
    new, _ = submit_code(files={"main.py": fixed}, title="v2")

    page = user_client.get(f"/explainer/compare?old={old.pk}&new={new.pk}").content.decode()

    fixed_part, introduced_part = page.split("Findings introduced")
    assert "AP-D01" in fixed_part.split("Findings fixed")[1]
    assert "AP-IO03" in introduced_part.split("DAG changes")[0]
    assert "write.parquet" in page


def test_the_history_lists_submissions_with_their_worst_findings(user_client):
    submit_code(files={"main.py": JOB}, title="Orders job")

    page = user_client.get("/explainer/").content.decode()

    assert "Orders job" in page and "1 high" in page


def test_admin_filters_by_rule_and_severity_and_re_analyses(client, settings):
    settings.GEMINI_API_KEY = ""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    flagged, _ = submit_code(files={"main.py": JOB}, title="Flagged job")
    submit_code(files={"main.py": "x = 1\n"}, title="Clean job")

    by_rule = client.get("/admin/explainer/submission/?rule=AP-D01").content.decode()
    by_high = client.get("/admin/explainer/submission/?worst=high").content.decode()
    no_findings = client.get("/admin/explainer/submission/?worst=none").content.decode()
    Finding.objects.filter(submission=flagged).delete()
    client.post(
        "/admin/explainer/submission/",
        {"action": "reanalyse", "_selected_action": [flagged.pk]},
    )

    assert "Flagged job" in by_rule and "Clean job" not in by_rule
    assert "Flagged job" in by_high and "Clean job" not in by_high
    assert "Clean job" in no_findings and "Flagged job" not in no_findings
    assert Finding.objects.filter(submission=flagged, rule="AP-D01").exists()


def test_names_from_user_code_are_escaped_everywhere_on_the_page(user_client):
    hostile = "df = spark.read.parquet('/x/<script>alert(1)</script>')\ndf.collect()\n"
    submission, _ = submit_code(files={"main.py": hostile}, title="<b>bold</b>")

    page = user_client.get(f"/explainer/{submission.pk}/").content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page
    assert "<b>bold</b>" not in page
    assert "<h4>What it does</h4>" in page
