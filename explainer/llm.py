"""The only module that talks to Gemini (google-genai).

We send the analysis — operations, stages, findings, lineage — with the code, ask for JSON of a
fixed shape, and keep token usage. Time-outs, bounded retries with back-off (the SDK's own), and
a per-key concurrency cap shared by every worker through Redis. Callers fall back to the offline
explanation on any LLMError.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

SYSTEM_INSTRUCTION = (
    "You are a senior Apache Spark engineer explaining a PySpark job to a data engineer. "
    "You receive the job's source and a static analysis of it (operations with their lines, "
    "stages cut at shuffles, the Spark jobs its actions start, anti-pattern findings, sources, "
    "sinks and lineage). Trust the analysis for facts; do not invent tables, columns or lines. "
    "Answer in JSON only, with: summary (one paragraph: what the job does and why), steps (a "
    "list of {title, detail, lines}), risks (a list of {title, detail, severity, lines}, the "
    "findings first, ordered by impact), rewrites (a list of {title, before, after} code "
    "snippets fixing the most important risks). Be concrete and brief."
)
RESPONSE_SCHEMA = {
    "type": "OBJECT",
    "properties": {
        "summary": {"type": "STRING"},
        "steps": {
            "type": "ARRAY",
            "items": {
                "type": "OBJECT",
                "properties": {
                    "title": {"type": "STRING"},
                    "detail": {"type": "STRING"},
                    "lines": {"type": "ARRAY", "items": {"type": "INTEGER"}},
                },
                "required": ["title", "detail"],
            },
        },
        "risks": {
            "type": "ARRAY",
            "items": {
                "type": "OBJECT",
                "properties": {
                    "title": {"type": "STRING"},
                    "detail": {"type": "STRING"},
                    "severity": {"type": "STRING"},
                    "lines": {"type": "ARRAY", "items": {"type": "INTEGER"}},
                },
                "required": ["title", "detail"],
            },
        },
        "rewrites": {
            "type": "ARRAY",
            "items": {
                "type": "OBJECT",
                "properties": {
                    "title": {"type": "STRING"},
                    "before": {"type": "STRING"},
                    "after": {"type": "STRING"},
                },
                "required": ["title", "after"],
            },
        },
    },
    "required": ["summary", "steps", "risks", "rewrites"],
}
RETRYABLE_STATUS = [408, 429, 500, 502, 503, 504]
MAX_SOURCE_CHARS = 60_000


class LLMError(Exception):
    """Gemini could not give a usable explanation; the message says why, for the page."""


@dataclass(frozen=True)
class GeminiConfig:
    api_key: str
    model: str
    base_url: str | None = None
    timeout_seconds: float = 60
    attempts: int = 3
    max_concurrent: int = 4


@dataclass
class Explanation:
    content: dict
    prompt_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    seconds: float = 0.0
    model: str = ""
    extra: dict = field(default_factory=dict)


def build_prompt(files: dict[str, str], analysis: dict) -> str:
    """The code (truncated if huge) and the analysis facts the model must rely on."""
    facts = {
        key: analysis.get(key)
        for key in ("operations", "stages", "jobs", "findings", "sources", "sinks", "lineage")
    }
    code = "\n\n".join(f"# file: {name}\n{source}" for name, source in files.items())
    if len(code) > MAX_SOURCE_CHARS:
        code = code[:MAX_SOURCE_CHARS] + "\n# … (truncated)"
    return (
        "Static analysis (JSON):\n"
        + json.dumps(facts, default=str)
        + "\n\nSource code:\n```python\n"
        + code
        + "\n```"
    )


def explain(files: dict[str, str], analysis: dict, config: GeminiConfig, *, semaphore=None):
    """Ask Gemini for the structured explanation; raises LLMError on any failure."""
    from google import genai
    from google.genai import errors, types

    client = genai.Client(
        api_key=config.api_key,
        http_options=types.HttpOptions(
            base_url=config.base_url,
            timeout=int(config.timeout_seconds * 1000),
            retry_options=types.HttpRetryOptions(
                attempts=config.attempts,
                initial_delay=1.0,
                max_delay=8.0,
                http_status_codes=RETRYABLE_STATUS,
            ),
        ),
    )
    started = time.perf_counter()
    guard = semaphore if semaphore is not None else _no_limit()
    try:
        with guard:
            response = client.models.generate_content(
                model=config.model,
                contents=build_prompt(files, analysis),
                config=types.GenerateContentConfig(
                    system_instruction=SYSTEM_INSTRUCTION,
                    response_mime_type="application/json",
                    response_schema=RESPONSE_SCHEMA,
                    temperature=0.2,
                ),
            )
    except LLMError:
        raise  # the concurrency cap, already worded for the page
    except errors.APIError as error:
        raise LLMError(f"Gemini answered {error.code}: {error.message or error.status}") from error
    except Exception as error:  # network errors, time-outs: the SDK raises httpx's own types
        raise LLMError(f"Gemini could not be reached: {type(error).__name__}: {error}") from error
    content = _parse_content(response)
    usage = response.usage_metadata
    return Explanation(
        content=content,
        prompt_tokens=(usage.prompt_token_count or 0) if usage else 0,
        output_tokens=(usage.candidates_token_count or 0) if usage else 0,
        total_tokens=(usage.total_token_count or 0) if usage else 0,
        seconds=time.perf_counter() - started,
        model=config.model,
    )


def _parse_content(response) -> dict:
    text = response.text
    if not text:
        reason = response.candidates[0].finish_reason if response.candidates else "no candidates"
        raise LLMError(f"Gemini returned no text (finish reason: {reason})")
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise LLMError(f"Gemini's answer was not valid JSON: {error}") from error
    if not isinstance(content, dict) or not isinstance(content.get("summary"), str):
        raise LLMError("Gemini's answer did not have the expected fields (summary, steps, …)")
    for key in ("steps", "risks", "rewrites"):
        if not isinstance(content.get(key), list):
            content[key] = []
    return content


@contextmanager
def _no_limit() -> Iterator[None]:
    yield


class RedisSemaphore:
    """At most ``limit`` holders across processes; slots expire so a killed worker frees its own."""

    def __init__(self, connection, name: str, limit: int, *, ttl: int = 180, wait: float = 120):
        self.connection, self.key, self.limit = connection, f"sparkhub:sem:{name}", limit
        self.ttl, self.wait = ttl, wait
        self.token = ""

    def __enter__(self):
        deadline = time.monotonic() + self.wait
        self.token = f"{time.time_ns()}"
        while True:
            now = time.time()
            pipe = self.connection.pipeline()
            pipe.zremrangebyscore(self.key, 0, now - self.ttl)
            pipe.zadd(self.key, {self.token: now})
            pipe.zrank(self.key, self.token)
            pipe.expire(self.key, self.ttl)
            rank = pipe.execute()[2]
            if rank is not None and rank < self.limit:
                return self
            self.connection.zrem(self.key, self.token)
            if time.monotonic() > deadline:
                raise LLMError(f"Too many Gemini calls in flight (limit {self.limit}); try later")
            time.sleep(0.25)

    def __exit__(self, *exc_info):
        self.connection.zrem(self.key, self.token)
        return False


def key_fingerprint(api_key: str) -> str:
    """Name the per-key semaphore without putting the key itself into Redis."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]
