"""Cached models stay true to the stored events while HTTP ingest adds to them.

A model is cached under its application's ``events_token``. Ingest changes the token only
when a reader has marked it analysed; a reader that built a model counts the stored events
again afterwards and retires the token itself when events arrived meanwhile.
"""

from __future__ import annotations

import orjson
import pytest

from loganalytics import store
from loganalytics.models import SparkApplication
from loganalytics.services import ingest_events
from tests.loganalytics.test_django_api import seed_job

pytestmark = pytest.mark.django_db


def post(events, app_id="versions"):
    return ingest_events(body=b"\n".join(orjson.dumps(e) for e in events), app_id=app_id)


def fresh(app_id="versions") -> SparkApplication:
    return SparkApplication.objects.get(app_id=app_id)


def test_ingest_into_an_unread_application_leaves_its_token_alone():
    post(seed_job(1, tasks=3))
    token = fresh().events_token
    post(seed_job(2, tasks=3))
    assert fresh().events_token == token
    assert len(store.application_model(fresh()).jobs) == 2


def test_ingest_after_a_read_retires_the_token_so_the_next_read_sees_the_new_events():
    post(seed_job(1, tasks=3))
    first = store.application_model(fresh())
    assert set(first.jobs) == {"1"}
    token = fresh().events_token
    assert fresh().analysed_token == token

    post(seed_job(2, tasks=4))
    assert fresh().events_token != token
    assert set(store.application_model(fresh()).jobs) == {"1", "2"}


def test_repeated_events_do_not_retire_the_token():
    post(seed_job(1, tasks=3))
    store.application_model(fresh())
    token = fresh().events_token
    receipt = post(seed_job(1, tasks=3))
    assert receipt.events_added == 0
    assert fresh().events_token == token


def test_events_stored_while_a_model_is_built_retire_the_model(monkeypatch):
    """The writer may see the token unmarked and skip it: the reader's recount catches that."""
    post(seed_job(1, tasks=3))
    real_stored_events = store.stored_events

    def events_then_a_late_request(application):
        yield from real_stored_events(application)
        # A request that commits after the snapshot, while the token is not marked yet.
        assert fresh().analysed_token != fresh().events_token
        post(seed_job(2, tasks=2))

    monkeypatch.setattr(store, "stored_events", events_then_a_late_request)
    application = fresh()
    model = store.application_model(application)
    assert set(model.jobs) == {"1"}  # built before the late request
    assert fresh().events_token != application.events_token  # ... so its token is retired

    monkeypatch.setattr(store, "stored_events", real_stored_events)
    assert set(store.application_model(fresh()).jobs) == {"1", "2"}


def test_big_bodies_take_the_transactional_path_with_the_same_counts(monkeypatch):
    monkeypatch.setattr(store, "SINGLE_STATEMENT_EVENTS", 3)
    first = post(seed_job(1, tasks=4))  # 6 events: more than one statement holds
    again = post(seed_job(1, tasks=5))  # 1 new task among 7 events

    assert (first.events_received, first.events_added) == (6, 6)
    assert (again.events_received, again.events_added) == (7, 1)
    assert store.application_model(fresh()).jobs["1"].completed_tasks == 5
