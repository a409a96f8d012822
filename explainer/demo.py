"""Demo data: a few realistic PySpark jobs, analysed as if a user had pasted them."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model

from explainer.services import submit_code

DEMO_JOBS = {
    "daily_sales.py": "Daily sales report",
    "clickstream.py": "Clickstream per-user counts (streaming)",
    "features.py": "Customer feature engineering",
}


def load() -> str:
    # Stored as .py.txt: user code to analyse, never to import (nor to lint as ours).
    folder = Path(__file__).parent / "demo_jobs"
    owner = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    created = 0
    for file_name, title in DEMO_JOBS.items():
        source = (folder / f"{file_name}.txt").read_text()
        _, cached = submit_code(files={file_name: source}, title=title, requested_by=owner)
        created += not cached
    return f"{created} PySpark job(s) analysed ({len(DEMO_JOBS) - created} already there)"
