"""Resolve ``secret://provider/name`` references and keep secret values out of every output.

Built-in providers: ``env`` (``secret://env/DB_PASSWORD``), ``file`` (``secret://file/run/pw``,
the path after ``file/``; relative paths start at the working directory) and ``aws``
(``secret://aws/name`` or ``secret://aws/name#json_key``, AWS Secrets Manager through boto3,
configured with ``pipeline.secrets.aws { region, endpoint_url }``). Others plug in by class
path: ``pipeline.secrets.providers { vault = "my_module.VaultProvider" }``, a class taking its
settings dict and offering ``get(name) -> str``.

Every value resolved is remembered, and :meth:`SecretResolver.mask` replaces it with ``***``
wherever it appears (reports, plans, errors, log lines).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path

PREFIX = "secret://"
MASK = "***"
SENSITIVE_KEY = re.compile(r"pass(word)?|secret|token|api_?key|credential|private_?key", re.I)


class SecretError(Exception):
    pass


class EnvProvider:
    def __init__(self, settings: Mapping, env: Mapping[str, str] | None = None):
        self.env = os.environ if env is None else env

    def get(self, name: str) -> str:
        if name not in self.env:
            raise SecretError(f"environment variable {name} is not set")
        return self.env[name]


class FileProvider:
    def __init__(self, settings: Mapping, env: Mapping[str, str] | None = None):
        pass

    def get(self, name: str) -> str:
        path = Path(name)
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SecretError(f"cannot read secret file {path}: {error.strerror}") from None


class AwsSecretsManagerProvider:
    def __init__(self, settings: Mapping, env: Mapping[str, str] | None = None):
        self.settings = dict(settings.get("aws", {}))
        self._client = None

    def client(self):
        if self._client is None:
            import boto3

            self._client = boto3.client(
                "secretsmanager",
                region_name=self.settings.get("region") or os.environ.get("AWS_DEFAULT_REGION"),
                endpoint_url=self.settings.get("endpoint_url") or None,
            )
        return self._client

    def get(self, name: str) -> str:
        secret_id, _, key = name.partition("#")
        try:
            value = self.client().get_secret_value(SecretId=secret_id)["SecretString"]
        except Exception as error:
            raise SecretError(
                f"AWS Secrets Manager has no readable secret {secret_id!r}: {type(error).__name__}"
            ) from None
        if key:
            try:
                return str(json.loads(value)[key])
            except (ValueError, KeyError, TypeError):
                raise SecretError(f"secret {secret_id!r} has no JSON key {key!r}") from None
        return value


BUILTIN_PROVIDERS = {"env": EnvProvider, "file": FileProvider, "aws": AwsSecretsManagerProvider}


class SecretResolver:
    def __init__(self, settings: Mapping | None = None, env: Mapping[str, str] | None = None):
        self.settings = dict(settings or {})
        self.env = env
        self.revealed: set[str] = set()
        self._providers: dict[str, object] = {}

    def provider(self, scheme: str):
        if scheme not in self._providers:
            custom = self.settings.get("providers", {}).get(scheme)
            if custom:
                from .registry import import_class

                cls = import_class(custom)
            elif scheme in BUILTIN_PROVIDERS:
                cls = BUILTIN_PROVIDERS[scheme]
            else:
                raise SecretError(f"unknown secret provider {scheme!r} (built in: env, file, aws)")
            self._providers[scheme] = cls(self.settings, self.env)
        return self._providers[scheme]

    def resolve(self, value):
        """The secret behind a ``secret://`` reference; other values are returned unchanged."""
        if not isinstance(value, str) or not value.startswith(PREFIX):
            return value
        scheme, _, name = value.removeprefix(PREFIX).partition("/")
        if not name:
            raise SecretError(f"{value!r} must read secret://provider/name")
        secret = self.provider(scheme).get(name)
        if secret:
            self.revealed.add(secret)
        return secret

    def resolve_all(self, value):
        if isinstance(value, dict):
            return {k: self.resolve_all(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_all(v) for v in value]
        return self.resolve(value)

    def mask(self, value):
        """``value`` (str, dict, list...) with every revealed secret replaced by ``***``."""
        if isinstance(value, str):
            for secret in sorted(self.revealed, key=len, reverse=True):
                value = value.replace(secret, MASK)
            return value
        if isinstance(value, dict):
            return {
                k: (
                    MASK
                    if SENSITIVE_KEY.search(str(k))
                    and v
                    and isinstance(v, str)
                    and not v.startswith(PREFIX)
                    else self.mask(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.mask(v) for v in value]
        return value


class MaskingFilter(logging.Filter):
    """Scrubs revealed secrets from log records before any handler formats them."""

    def __init__(self, resolver: SecretResolver):
        super().__init__()
        self.resolver = resolver

    def filter(self, record: logging.LogRecord) -> bool:
        if self.resolver.revealed:
            record.msg = self.resolver.mask(record.getMessage())
            record.args = ()
        return True
