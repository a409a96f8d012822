"""The dry-run plan: steps in order, their inputs and outputs, and schemas where known."""

from __future__ import annotations

from .pipeline import REJECTS, Pipeline
from .secrets import SecretResolver


def plan_document(pipeline: Pipeline, secrets: SecretResolver | None = None) -> dict:
    secrets = secrets or SecretResolver()
    columns: dict[str, list | None] = {}
    steps = []
    for index, step in enumerate(pipeline.steps, start=1):
        input_columns = [columns.get(port) for port in step.inputs]
        try:
            output = step.component.output_columns(input_columns)
        except Exception:  # a schema we cannot predict is simply unknown
            output = None
        columns[step.name] = output
        outputs = [] if step.kind == "sink" else [step.name]
        if step.component.produces_rejects():
            outputs.append(f"{step.name}.{REJECTS}")
            columns[f"{step.name}.{REJECTS}"] = (
                [*output, ("reject_reason", "string"), ("dq_rule", "string"), ("dq_step", "string")]
                if output
                else None
            )
        steps.append(
            {
                "index": index,
                "name": step.name,
                "type": step.spec.type,
                "kind": step.kind,
                "class": f"{type(step.component).__module__}.{type(step.component).__name__}",
                "stage": step.spec.stage or step.name,
                "description": step.spec.description,
                "inputs": list(step.inputs),
                "outputs": outputs,
                "consumers": sorted({c for o in outputs for c in pipeline.consumers(o)}),
                "columns": [{"name": n, "type": t} for n, t in output] if output else None,
                "options": secrets.mask(step.spec.options),
                "retry": vars(step.spec.retry or pipeline.settings.retry),
            }
        )
    return {
        "pipeline": pipeline.name,
        "description": pipeline.settings.description,
        "steps": steps,
        "edges": [
            {"from": port, "to": step.name} for step in pipeline.steps for port in step.inputs
        ],
        "warnings": [str(w) for w in pipeline.warnings],
    }


def format_plan(document: dict) -> str:
    """The plan as text for a terminal."""
    lines = [f"pipeline {document['pipeline']}: {len(document['steps'])} steps"]
    for step in document["steps"]:
        inputs = ", ".join(step["inputs"]) or "-"
        outputs = ", ".join(step["outputs"]) or "-"
        lines.append(
            f"{step['index']:>3}. {step['name']} [{step['kind']} {step['type']}] "
            f"stage={step['stage']}  in: {inputs}  out: {outputs}"
        )
        target = step["options"].get("path") or step["options"].get("table")
        if target:
            lines.append(f"       {'reads' if step['kind'] == 'source' else 'writes'} {target}")
        if step["columns"]:
            schema = ", ".join(f"{c['name']} {c['type']}" for c in step["columns"])
            lines.append(f"       schema: {schema}")
    lines.extend(f"warning: {w}" for w in document["warnings"])
    return "\n".join(lines)
