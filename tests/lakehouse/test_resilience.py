import pytest

from lakehouse.engine.resilience import (
    CircuitBreaker,
    CircuitOpen,
    backoff_delays,
    call_with_retry,
)
from lakehouse.engine.spec import RetrySpec


def test_backoff_grows_exponentially_and_is_capped_at_the_maximum_delay():
    retry = RetrySpec(max_attempts=6, initial_delay=1, multiplier=3, max_delay=20)

    assert backoff_delays(retry) == [1, 3, 9, 20, 20]


def test_retry_returns_the_first_success_and_reports_each_retry():
    outcomes = iter([ValueError("a"), ValueError("b"), "done"])
    seen = []

    def action(attempt):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome, attempt

    result = call_with_retry(
        action,
        RetrySpec(max_attempts=3, initial_delay=2),
        sleep=lambda s: None,
        on_retry=lambda n, e, d: seen.append((n, str(e), d)),
    )

    assert result == ("done", 3)
    assert seen == [(1, "a", 2), (2, "b", 4)]


def test_errors_marked_not_retryable_fail_at_once():
    calls = []

    def action(attempt):
        calls.append(attempt)
        raise KeyError("permanent")

    with pytest.raises(KeyError):
        call_with_retry(
            action,
            RetrySpec(max_attempts=5),
            sleep=lambda s: None,
            retryable=lambda e: not isinstance(e, KeyError),
        )

    assert calls == [1]


def test_a_breaker_opens_after_the_threshold_and_half_opens_after_its_open_time():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, open_seconds=30, clock=lambda: now[0])

    breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen):
        breaker.before_call()

    now[0] = 31
    assert breaker.state == "half_open"
    breaker.before_call()  # one trial call is let through
    breaker.record_failure()
    assert breaker.state == "open"  # a failed trial re-opens at once

    now[0] = 62
    breaker.record_success()
    assert breaker.state == "closed"
