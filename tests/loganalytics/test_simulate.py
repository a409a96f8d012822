from __future__ import annotations

import pytest

from loganalytics.eventlog import load_application
from loganalytics.eventlog.simulate import critical_path_ms, driver_time_ms, estimate_ms, scaling


@pytest.mark.parametrize("scenario", ["cluster_executor_loss", "lz4_retries", "plain_mixed"])
def test_replaying_a_run_on_its_own_executors_lands_near_its_real_wall_time(scenario, eventlog):
    model = load_application(eventlog(scenario))
    workers = [e for e in model.executors.values() if e.total_cores]
    cores = max(e.total_cores for e in workers)

    estimate = estimate_ms(model, len(workers), cores)

    assert abs(estimate - model.app.duration) <= 0.15 * model.app.duration


def test_more_executors_never_take_longer_and_never_beat_the_critical_path(eventlog):
    model = load_application(eventlog("plain_mixed"))

    estimates = [estimate.seconds * 1000 for estimate in scaling(model, (1, 2, 4, 8))]

    assert estimates == sorted(estimates, reverse=True)
    assert critical_path_ms(model) <= min(estimates)
    assert driver_time_ms(model) < critical_path_ms(model)
