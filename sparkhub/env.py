"""Typed, validated reads of environment variables for settings.

Every parser raises ``ImproperlyConfigured`` naming the variable, so a typo in a deployment
fails at start-up with a message that says which variable to fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")
FALSE_WORDS = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ

    def str(self, name: str, default: str = "") -> str:
        return self.environ.get(name, default).strip()

    def bool(self, name: str, default: bool = False) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
        return value

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self.environ.get(name)
        if raw is None:
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def rate(self, name: str, default: str) -> str:
        """A DRF throttle rate such as ``100/hour`` (DRF reads only the unit's first letter,
        so ``60/month`` would silently mean per minute: refuse anything but these units)."""
        value = self.str(name, default) or default
        if not RATE.match(value):
            raise ImproperlyConfigured(
                f"{name} must look like 100/hour (units: s, sec, second, m, min, minute, h, "
                f"hour, d, day), got {value!r}"
            )
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.str(name, default).lower() or default
        if value not in choices:
            raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
        return value


def parse_database_url(url: str, *, var_dir: Path) -> dict:
    """Turn ``DATABASE_URL`` into a Django ``DATABASES['default']`` entry.

    Accepts ``postgres://`` / ``postgresql://`` (psycopg 3) and ``sqlite:///absolute/path``;
    an empty value means SQLite under ``var_dir``.
    """
    if not url:
        return sqlite_database(var_dir / "sparkhub.sqlite3")
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc or not path.startswith("/") or path == "/":
            raise ImproperlyConfigured(
                f"DATABASE_URL for SQLite must be sqlite:///absolute/path, got {url!r}"
            )
        # sqlite:///abs/path and SQLAlchemy's sqlite:////abs/path mean the same file.
        return sqlite_database(Path("/" + path.lstrip("/")))
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL must name a database, got {url!r}")
        options = dict(parse_qsl(parts.query))
        try:
            port = parts.port
            conn_max_age = int(options.pop("conn_max_age", 60))
        except ValueError:
            raise ImproperlyConfigured(
                f"DATABASE_URL has a bad port or conn_max_age: {url!r}"
            ) from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite:///, got {parts.scheme or url!r}"
    )


def sqlite_database(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # A file, not memory, so RQ workers started by tests see the same test database; one
        # per test process, so two test runs on one machine never delete each other's.
        "TEST": {"NAME": str(path.with_name(f"test_{os.getpid()}_{path.name}"))},
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN: no "database is locked" upgrade failures
            # when the web process and workers write at the same time.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        },
    }
