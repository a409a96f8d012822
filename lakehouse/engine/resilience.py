"""Per-step retries with exponential backoff, and circuit breakers shared across runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .spec import BreakerSpec, RetrySpec


class CircuitOpen(Exception):
    """The breaker is open: calls fail fast instead of hammering a broken dependency."""


def backoff_delays(retry: RetrySpec) -> list[float]:
    """Seconds to wait before attempts 2, 3, ...: initial * multiplier^n, capped at max."""
    return [
        min(retry.initial_delay * retry.multiplier**n, retry.max_delay)
        for n in range(max(retry.max_attempts - 1, 0))
    ]


@dataclass
class CircuitBreaker:
    failure_threshold: int
    open_seconds: float
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.open_seconds:
            return "half_open"  # one trial call may go through
        return "open"

    def before_call(self) -> None:
        if self.state == "open":
            remaining = self.open_seconds - (self.clock() - self.opened_at)
            raise CircuitOpen(
                f"circuit open after {self.failures} consecutive failures; "
                f"retry in {remaining:.0f}s"
            )

    def record_success(self) -> None:
        with self._lock:
            self.failures = 0
            self.opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self.failure_threshold or self.state == "half_open":
                self.opened_at = self.clock()


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(key: str, spec: BreakerSpec, clock: Callable[[], float] = time.monotonic):
    """The process-wide breaker for ``key``, so repeated runs on a worker share its state."""
    with _breakers_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = CircuitBreaker(spec.failure_threshold, spec.open_seconds, clock=clock)
            _breakers[key] = breaker
        return breaker


def reset_breakers() -> None:
    with _breakers_lock:
        _breakers.clear()


def call_with_retry(
    action: Callable[[int], object],
    retry: RetrySpec,
    breaker: CircuitBreaker | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
    retryable: Callable[[BaseException], bool] = lambda error: True,
):
    """Run ``action(attempt)`` until it succeeds or attempts run out; re-raise the last error."""
    delays = backoff_delays(retry)
    attempt = 1
    while True:
        if breaker is not None:
            breaker.before_call()  # CircuitOpen is final: retrying would only wait longer
        try:
            result = action(attempt)
        except Exception as error:
            if breaker is not None:
                breaker.record_failure()
            if attempt > len(delays) or not retryable(error):
                raise
            delay = delays[attempt - 1]
            if on_retry is not None:
                on_retry(attempt, error, delay)
            sleep(delay)
            attempt += 1
            continue
        if breaker is not None:
            breaker.record_success()
        return result
