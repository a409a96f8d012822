"""`manage.py demo`: the admin login and every app's demo data, safe to run again."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from explainer.models import Submission

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_creates_the_admin_with_the_configured_password(monkeypatch, settings):
    settings.GEMINI_API_KEY = ""
    monkeypatch.setenv("SPARKHUB_ADMIN_PASSWORD", "let-me-in")

    output = run_demo()

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("let-me-in")
    assert "let-me-in" not in output


def test_a_generated_password_is_printed_once_and_works(monkeypatch, settings):
    settings.GEMINI_API_KEY = ""
    monkeypatch.delenv("SPARKHUB_ADMIN_PASSWORD", raising=False)

    first = run_demo()
    second = run_demo()

    password = first.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert password not in second and "exists" in second


def test_demo_loads_the_explainer_jobs_once(monkeypatch, settings):
    settings.GEMINI_API_KEY = ""
    monkeypatch.setenv("SPARKHUB_ADMIN_PASSWORD", "x")

    run_demo()
    run_demo()

    titles = set(Submission.objects.values_list("title", flat=True))
    assert titles == {
        "Daily sales report",
        "Clickstream per-user counts (streaming)",
        "Customer feature engineering",
    }
