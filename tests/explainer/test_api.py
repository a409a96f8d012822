"""POST /explain/pyspark and GET /status/{job_id}: the seed's fields, caching, errors."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from explainer.models import Submission
from tests.sparkhub.factories import UserFactory

pytestmark = pytest.mark.django_db

JOB = """from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
orders = spark.read.csv("s3://lake/orders.csv", header=True, inferSchema=True)
totals = orders.groupBy("country").agg(F.sum("amount").alias("total"))
rows = totals.collect()
"""


@pytest.fixture
def api(client):
    cache.clear()  # throttling counters
    client.force_login(UserFactory())
    return client


def test_explaining_code_without_gemini_finishes_in_the_request(api, settings):
    settings.GEMINI_API_KEY = ""

    response = api.post("/explain/pyspark", {"code": JOB}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"job_id", "status", "cached"}
    assert (body["status"], body["cached"]) == ("finished", False)
    status = api.get(f"/status/{body['job_id']}").json()
    assert status["status"] == "finished"
    analysis = status["result"]["analysis"]
    assert [op["method"] for op in analysis["operations"]][:2] == ["read.csv", "groupBy"]
    assert {f["rule"] for f in analysis["findings"]} >= {"AP-D01", "AP-IO01"}
    assert status["result"]["explanation"]["source"] == "offline"
    assert "collect" in status["result"]["explanation"]["text"]
    assert status["result"]["documentation"].startswith("#")


def test_identical_code_is_answered_from_the_cache_even_with_other_line_endings(api, settings):
    settings.GEMINI_API_KEY = ""
    first = api.post("/explain/pyspark", {"code": JOB}, content_type="application/json").json()

    started = time.perf_counter()
    again = api.post(
        "/explain/pyspark",
        {"code": JOB.replace("\n", "   \r\n")},
        content_type="application/json",
    )
    elapsed = time.perf_counter() - started

    assert again.json() == {"job_id": first["job_id"], "status": "finished", "cached": True}
    assert Submission.objects.count() == 1
    assert elapsed < 0.5  # the benchmark measures the real figure; this catches re-analysis


def test_the_cache_key_changes_with_the_llm_model(api, settings):
    settings.GEMINI_API_KEY = ""
    offline = api.post("/explain/pyspark", {"code": JOB}, content_type="application/json").json()
    settings.GEMINI_API_KEY, settings.GEMINI_MODEL = "k", "gemini-x"

    with_llm = api.post("/explain/pyspark", {"code": JOB}, content_type="application/json")

    assert with_llm.status_code == 202
    assert with_llm.json()["job_id"] != offline["job_id"]
    assert with_llm.json() == {**with_llm.json(), "status": "pending", "cached": False}


def test_code_that_does_not_parse_still_gets_an_answer_with_errors(api, settings):
    settings.GEMINI_API_KEY = ""
    code = "df = spark.read.parquet('/x')\ndef broken(:\n"

    job = api.post("/explain/pyspark", {"code": code}, content_type="application/json").json()
    result = api.get(f"/status/{job['job_id']}").json()["result"]

    assert result["analysis"]["errors"][0]["line"] == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "code"),
        ({"code": "   \n"}, "code"),
        ({"code": 42}, "code"),
        ({"code": "x\ud800"}, "code"),
    ],
)
def test_bad_requests_get_a_400_naming_the_field(api, payload, field):
    response = api.post("/explain/pyspark", payload, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_job_is_a_404(api):
    response = api.get("/status/00000000-0000-0000-0000-000000000000")

    assert response.status_code == 404


def test_anonymous_callers_are_refused(client):
    response = client.post("/explain/pyspark", {"code": JOB}, content_type="application/json")

    assert response.status_code in (401, 403)


def test_submissions_are_rate_limited_per_user(api, settings, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    settings.GEMINI_API_KEY = ""
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {**ScopedRateThrottle.THROTTLE_RATES, "explain": "2/minute"},
    )
    codes = [
        api.post(
            "/explain/pyspark", {"code": f"x = {n}\n"}, content_type="application/json"
        ).status_code
        for n in range(3)
    ]

    assert codes == [200, 200, 429]
