"""API throttling counts in Redis, so the limit holds across web processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle

from tests.conftest import database_url_for_subprocesses
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import REPO

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TWO_CALLS_FROM_ANOTHER_PROCESS = """
import django, sys
django.setup()
from rest_framework.throttling import UserRateThrottle
UserRateThrottle.THROTTLE_RATES = {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute"}
from django.test import Client
for _ in range(2):
    print(Client().get("/api/runs/", HTTP_AUTHORIZATION="Token " + sys.argv[1],
                       HTTP_HOST="localhost").status_code)
"""


def test_the_rate_limit_is_shared_by_every_process(client, monkeypatch):
    cache.clear()
    monkeypatch.setattr(
        UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute"}
    )
    token = Token.objects.create(user=UserFactory()).key
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sparkhub.settings",
        "DATABASE_URL": database_url_for_subprocesses(),
    }
    other = subprocess.run(
        [sys.executable, "-c", TWO_CALLS_FROM_ANOTHER_PROCESS, token],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other.stdout.split() == ["200", "200"], other.stderr

    third = client.get("/api/runs/", HTTP_AUTHORIZATION=f"Token {token}")
    fourth = client.get("/api/runs/", HTTP_AUTHORIZATION=f"Token {token}")

    assert third.status_code == 200
    assert fourth.status_code == 429
    cache.clear()
