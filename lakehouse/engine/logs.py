"""JSON log lines that carry the run id, so one run's lines can be found among many."""

from __future__ import annotations

import json
import logging
import time

LOGGER_NAME = "lakehouse.engine"


class JsonFormatter(logging.Formatter):
    FIELDS = ("run_id", "pipeline", "step", "event")

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                document[name] = value
        if record.exc_info:
            document["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(document, default=str)


def json_handler(stream=None) -> logging.Handler:
    """A handler printing JSON lines; the management command or worker installs it."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    return handler


def run_logger(run_id: str, pipeline: str) -> logging.LoggerAdapter:
    class RunAdapter(logging.LoggerAdapter):
        def process(self, msg, kwargs):
            kwargs["extra"] = {**self.extra, **kwargs.get("extra", {})}
            return msg, kwargs

    return RunAdapter(logging.getLogger(LOGGER_NAME), {"run_id": run_id, "pipeline": pipeline})
