"""Build a validated pipeline from a resolved config: components, hooks and the step graph.

Everything a pipeline author can get wrong is found here, before Spark runs anything, and
reported together: unknown component types, bad fields, unknown inputs, cycles, sinks that no
source feeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .components.base import Component, Sink, Source
from .config import RawConfig
from .errors import PipelineError, Problem
from .registry import UnknownType, resolve_component, resolve_hook
from .secrets import SecretError, SecretResolver
from .spec import STEP_KEYS, PipelineSettings, StepSpec
from .typed import build

REJECTS = "rejects"
_STEP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Step:
    spec: StepSpec
    component: Component
    inputs: list[str]  # ports: "step" (main output) or "step.rejects"

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def kind(self) -> str:
        return self.component.kind

    @property
    def upstream(self) -> list[str]:
        return [port.split(".")[0] for port in self.inputs]


@dataclass
class Pipeline:
    settings: PipelineSettings
    steps: list[Step]  # in execution (topological) order
    raw: RawConfig
    hook_classes: list[tuple[type, dict]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.settings.name

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    def consumers(self, port: str) -> list[str]:
        return [s.name for s in self.steps if port in s.inputs]


def build_pipeline(raw: RawConfig, secrets: SecretResolver | None = None) -> Pipeline:
    """Validate ``raw``; with ``secrets``, ``secret://`` values are resolved for a real run."""
    problems: list[Problem] = []
    report = raw.problem
    settings = build(PipelineSettings, raw.data.get("pipeline", {}), "pipeline", report, problems)
    hook_classes = []
    for index, hook in enumerate(settings.hooks if settings else []):
        try:
            hook_classes.append((resolve_hook(hook.type), hook.options))
        except UnknownType as error:
            problems.append(report(f"pipeline.hooks[{index}].type", str(error)))

    steps_data = raw.data.get("steps")
    if not isinstance(steps_data, dict) or not steps_data:
        problems.append(report("steps", "define at least one step: steps { name { type = ... } }"))
        raise PipelineError(problems)
    steps = _build_steps(steps_data, raw, problems, secrets)
    ordered = _validate_graph(steps, raw, problems) if not problems else steps
    if problems:
        raise PipelineError(problems)
    pipeline = Pipeline(settings, ordered, raw, hook_classes)
    pipeline.warnings = _warnings(pipeline)
    return pipeline


def _build_steps(
    steps_data: dict, raw: RawConfig, problems: list[Problem], secrets: SecretResolver | None
) -> list[Step]:
    steps: list[Step] = []
    previous: str | None = None
    for name, body in steps_data.items():
        path = f"steps.{name}"
        if not _STEP_NAME.match(name):
            problems.append(raw.problem(path, "step names are letters, digits and _"))
        if not isinstance(body, dict):
            problems.append(raw.problem(path, "a step is an object: name { type = ..., ... }"))
            continue
        framework = {k: v for k, v in body.items() if k in STEP_KEYS}
        options = {k: v for k, v in body.items() if k not in STEP_KEYS}
        spec = build(StepSpec, {"name": name, **framework}, path, raw.problem, problems)
        if spec is None:
            previous = name
            continue
        try:
            cls = resolve_component(spec.type)
        except UnknownType as error:
            problems.append(raw.problem(f"{path}.type", str(error), step=name))
            previous = name
            continue
        resolved = options
        if secrets is not None:
            try:
                resolved = secrets.resolve_all(options)
            except SecretError as error:
                problems.append(raw.problem(path, f"secret: {error}", step=name))
                previous = name
                continue
        config = build(cls.Config, resolved, path, raw.problem, problems)
        if config is None:
            previous = name
            continue
        component = cls(config)
        for field_name, message in component.check():
            problems.append(raw.problem(f"{path}.{field_name}", message, step=name))
        spec.options = options
        if spec.inputs is not None:
            inputs = list(spec.inputs)
        elif issubclass(cls, Source) or previous is None:
            inputs = []
        else:
            inputs = [previous]
        steps.append(Step(spec, component, inputs))
        previous = name
    return steps


def _validate_graph(steps: list[Step], raw: RawConfig, problems: list[Problem]) -> list[Step]:
    by_name = {s.name: s for s in steps}
    for step in steps:
        path = f"steps.{step.name}.inputs"
        if isinstance(step.component, Source):
            if step.inputs:
                problems.append(
                    raw.problem(
                        path, "a source reads data itself; it takes no inputs", step=step.name
                    )
                )
            continue
        if not step.inputs:
            problems.append(
                raw.problem(
                    path,
                    f"{step.kind} {step.name} has no input: name one with inputs = [step]",
                    step=step.name,
                )
            )
        if len(step.inputs) > 1 and not step.component.multi_input:
            problems.append(
                raw.problem(
                    path,
                    f"{step.spec.type} takes one input, got {len(step.inputs)}",
                    step=step.name,
                )
            )
        for port in step.inputs:
            upstream, _, output = port.partition(".")
            if upstream not in by_name:
                problems.append(
                    raw.problem(
                        path,
                        f"unknown input {port!r}; steps are {', '.join(by_name)}",
                        step=step.name,
                    )
                )
            elif output and output != REJECTS:
                problems.append(
                    raw.problem(
                        path,
                        f"{port!r}: a step's outputs are {upstream} and {upstream}.rejects",
                        step=step.name,
                    )
                )
            elif isinstance(by_name[upstream].component, Sink):
                problems.append(
                    raw.problem(path, f"{upstream} is a sink and has no output", step=step.name)
                )
            elif upstream == step.name:
                problems.append(
                    raw.problem(path, "a step cannot read its own output", step=step.name)
                )
    if problems:
        return steps
    ordered = _topological(steps)
    if ordered is None:
        cycle = _find_cycle(by_name)
        problems.append(
            raw.problem(
                f"steps.{cycle[0]}.inputs",
                "the steps form a cycle: " + " -> ".join(cycle),
                step=cycle[0],
            )
        )
        return steps
    for step in ordered:
        if isinstance(step.component, Sink) and not _fed_by_source(step, by_name):
            problems.append(
                raw.problem(f"steps.{step.name}", "no source feeds this sink", step=step.name)
            )
    return ordered


def _topological(steps: list[Step]) -> list[Step] | None:
    """Kahn's algorithm, keeping the written order among ready steps."""
    remaining = {s.name: set(s.upstream) for s in steps}
    ordered: list[Step] = []
    while remaining:
        ready = [s for s in steps if s.name in remaining and not remaining[s.name]]
        if not ready:
            return None
        step = ready[0]
        ordered.append(step)
        del remaining[step.name]
        for upstream in remaining.values():
            upstream.discard(step.name)
    return ordered


def _find_cycle(by_name: dict[str, Step]) -> list[str]:
    """One cycle as ``[a, b, a]`` (depth-first search over inputs)."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> list[str] | None:
        if name in visiting:
            return [*visiting[visiting.index(name) :], name]
        if name in done:
            return None
        visiting.append(name)
        for upstream in by_name[name].upstream:
            if upstream in by_name and (cycle := visit(upstream)):
                return cycle
        visiting.pop()
        done.add(name)
        return None

    for name in by_name:
        if cycle := visit(name):
            return list(reversed(cycle))
    return list(by_name)[:1]


def _fed_by_source(step: Step, by_name: dict[str, Step]) -> bool:
    stack, seen = list(step.upstream), set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if isinstance(by_name[name].component, Source):
            return True
        stack.extend(by_name[name].upstream)
    return False


def _warnings(pipeline: Pipeline) -> list[Problem]:
    warnings = []
    consumed = {port for step in pipeline.steps for port in step.inputs}
    for step in pipeline.steps:
        if isinstance(step.component, Sink):
            continue
        if step.name not in consumed:
            warnings.append(
                pipeline.raw.problem(
                    f"steps.{step.name}", "its output is not used by any step", step=step.name
                )
            )
        if step.component.produces_rejects() and f"{step.name}.{REJECTS}" not in consumed:
            warnings.append(
                pipeline.raw.problem(
                    f"steps.{step.name}",
                    f"its rejected rows are discarded: add {step.name}.rejects "
                    "to a sink's inputs to keep them",
                    step=step.name,
                )
            )
    return warnings
