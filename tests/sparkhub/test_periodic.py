"""Periodic jobs are queued once per period, however many workers offer them."""

import pytest

from sparkhub.periodic import enqueue_due_jobs
from sparkhub.queues import get_queue

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("empty_queues")]


def test_a_due_job_is_queued_once_per_period_across_workers(settings):
    import django_rq

    connection = django_rq.get_connection("default")
    connection.delete("sparkhub:periodic:tick")
    settings.PERIODIC_JOBS = {"tick": ("sparkhub.services.recent_runs", 60)}

    first = enqueue_due_jobs()
    second = enqueue_due_jobs()  # another worker, a moment later

    assert (first, second) == (["tick"], [])
    assert get_queue("default").count == 1
    assert 55 <= connection.ttl("sparkhub:periodic:tick") <= 60
    connection.delete("sparkhub:periodic:tick")
