import logging

import pytest

from lakehouse.engine.secrets import MaskingFilter, SecretError, SecretResolver


def test_env_and_file_secrets_are_resolved_and_remembered_for_masking(tmp_path, monkeypatch):
    monkeypatch.setenv("LAKE_DB_PASSWORD", "pw-from-env")
    secret_file = tmp_path / "token"
    secret_file.write_text("tok-from-file\n")
    resolver = SecretResolver()

    values = resolver.resolve_all(
        {"a": "secret://env/LAKE_DB_PASSWORD", "b": [f"secret://file/{secret_file}"], "c": "plain"}
    )

    assert values == {"a": "pw-from-env", "b": ["tok-from-file"], "c": "plain"}
    assert (
        resolver.mask("url=jdbc:x?password=pw-from-env&t=tok-from-file")
        == "url=jdbc:x?password=***&t=***"
    )


def test_values_under_sensitive_keys_are_masked_even_when_written_inline():
    resolver = SecretResolver()

    masked = resolver.mask(
        {"password": "hunter2", "api_key": "k", "user": "ann", "token": "secret://env/X"}
    )

    assert masked == {"password": "***", "api_key": "***", "user": "ann", "token": "secret://env/X"}


def test_unknown_providers_and_missing_values_are_clear_errors(monkeypatch):
    monkeypatch.delenv("LAKE_MISSING", raising=False)
    resolver = SecretResolver()

    with pytest.raises(SecretError, match="unknown secret provider 'vault'"):
        resolver.resolve("secret://vault/x")
    with pytest.raises(SecretError, match="LAKE_MISSING is not set"):
        resolver.resolve("secret://env/LAKE_MISSING")


def test_the_masking_filter_scrubs_secrets_from_log_records(monkeypatch):
    monkeypatch.setenv("LAKE_LOG_SECRET", "abc123")
    resolver = SecretResolver()
    resolver.resolve("secret://env/LAKE_LOG_SECRET")
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "connecting with %s", ("abc123",), None
    )

    MaskingFilter(resolver).filter(record)

    assert record.getMessage() == "connecting with ***"


def test_aws_secrets_manager_values_and_json_keys_are_read_through_boto3(monkeypatch):
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with moto.mock_aws():
        import boto3

        client = boto3.client("secretsmanager", region_name="eu-west-1")
        client.create_secret(Name="lake/db", SecretString='{"password": "from-aws"}')
        resolver = SecretResolver({"aws": {"region": "eu-west-1"}})

        assert resolver.resolve("secret://aws/lake/db#password") == "from-aws"
        with pytest.raises(SecretError, match="no readable secret"):
            resolver.resolve("secret://aws/lake/none")
