"""``GET .../environment`` in the History Server's shape, with its redaction.

SHS keeps the application's EnvironmentUpdate and ResourceProfileAdded events and answers
with each key-value section sorted by key, the values of sensitive properties redacted by its
own ``spark.redaction.regex`` (not the application's), and the classpath unredacted.
"""

from __future__ import annotations

import re
from typing import Any

from .model import ApplicationModel
from .shs import present

# spark.redaction.regex's default in Spark 4.3 (core's internal config package).
DEFAULT_REDACTION_REGEX = r"(?i)secret|password|token|access[.]?key|credential"
REDACTED = "*********(redacted)"

_REDACTED_SECTIONS = {
    "sparkProperties": "Spark Properties",
    "hadoopProperties": "Hadoop Properties",
    "systemProperties": "System Properties",
    "metricsProperties": "Metrics Properties",
}


def redact(pairs: tuple[tuple[str, str], ...], pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """Like Spark's ``Utils.redact``: a value is hidden when its key *or* the value itself
    matches (a command line in a system property can carry a password)."""
    return [
        (key, REDACTED if pattern.search(key) or pattern.search(value) else value)
        for key, value in pairs
    ]


def to_shs_environment(
    model: ApplicationModel, redaction_regex: str = DEFAULT_REDACTION_REGEX
) -> dict[str, Any] | None:
    """``GET .../environment``, or ``None`` when the log has no EnvironmentUpdate (SHS: 404)."""
    environment = model.app.environment
    if environment is None:
        return None
    pattern = re.compile(redaction_regex)
    sections = environment["sections"]
    jvm = environment["jvm"]
    answer: dict[str, Any] = {
        "runtime": present(
            [
                ("javaVersion", jvm.get("Java Version")),
                ("javaHome", jvm.get("Java Home")),
                ("scalaVersion", jvm.get("Scala Version")),
            ]
        )
    }
    for name, section in _REDACTED_SECTIONS.items():
        answer[name] = _by_key(redact(sections[section], pattern))
    answer["classpathEntries"] = _by_key(sections["Classpath Entries"])
    answer["resourceProfiles"] = [
        _resource_profile(profile_id, profile)
        for profile_id, profile in sorted(model.app.resource_profiles.items())
    ]
    return answer


def _by_key(pairs) -> list[list[str]]:
    # SHS sorts by key only (stably); its JSON writes each pair as a two-element array.
    return [[key, value] for key, value in sorted(pairs, key=lambda pair: pair[0])]


def _resource_profile(profile_id: int, profile: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": profile_id,
        "executorResources": {
            name: present(
                [
                    ("resourceName", request.get("Resource Name")),
                    ("amount", request.get("Amount")),
                    ("discoveryScript", request.get("Discovery Script")),
                    ("vendor", request.get("Vendor")),
                ]
            )
            for name, request in profile["executor"].items()
        },
        "taskResources": {
            name: present(
                [("resourceName", request.get("Resource Name")), ("amount", request.get("Amount"))]
            )
            for name, request in profile["task"].items()
        },
    }
