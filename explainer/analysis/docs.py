"""The generated Markdown documentation of a submission."""

from __future__ import annotations

from .narrate import execution_paragraph, purpose, stage_title


def cell(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(headers: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def render_markdown(document: dict, title: str = "PySpark job") -> str:
    """Purpose, inputs, outputs, steps by stage, jobs, findings and lineage as Markdown."""
    out = [
        f"# {title}",
        "",
        "## Purpose",
        "",
        purpose(document),
        "",
        execution_paragraph(document),
        "",
    ]
    if document.get("errors"):
        out += ["## Problems reading the code", ""]
        out += [
            f"- {e.get('file') or 'file'}, line {e['line']}: {e['message']}"
            for e in document["errors"]
        ]
        out.append("")
    out += ["## Inputs", ""]
    sources = document.get("sources", [])
    out += (
        table(
            ["Format", "Path or table", "Options", "Line"],
            [[s["format"], s["path_or_table"], s.get("options"), s["line"]] for s in sources],
        )
        if sources
        else ["No external inputs found."]
    )
    out += ["", "## Outputs", ""]
    sinks = document.get("sinks", [])
    out += (
        table(
            ["Format", "Path or table", "Mode", "Partitioned by", "Line"],
            [
                [s["format"], s["path_or_table"], s.get("mode"), s.get("partition_by"), s["line"]]
                for s in sinks
            ],
        )
        if sinks
        else ["No outputs written."]
    )
    out += ["", "## Steps by stage", ""]
    by_id = {op["id"]: op for op in document.get("operations", [])}
    for stage in document.get("stages", []):
        parents = ", ".join(str(p) for p in stage["parents"]) or "none"
        out += [f"### {stage_title(stage, by_id)}", "", f"Depends on stages: {parents}.", ""]
        out += table(
            ["Line", "Operation", "Kind", "Shuffle", "What it does"],
            [
                [
                    by_id[i]["line"],
                    by_id[i]["method"],
                    by_id[i]["kind"],
                    "yes" if by_id[i]["shuffle"] else "no",
                    by_id[i]["summary"],
                ]
                for i in stage["operations"]
            ],
        )
        out.append("")
    if not document.get("stages"):
        out += ["No Spark operations found.", ""]
    jobs = document.get("jobs", {})
    out += ["## Jobs", "", f"At least {jobs.get('at_least', 0)} job(s). {jobs.get('note', '')}", ""]
    for action in jobs.get("actions", []):
        stages = ", ".join(str(s) for s in action["stages"])
        loop = " (inside a loop: once per iteration)" if action.get("in_loop") else ""
        out.append(
            f"- Line {action['line']}: {action['method']} runs at least one job over "
            f"stages {stages}{loop}"
        )
    out += [
        f"- Line {h['line']}: {h['reason']} (at least {h['at_least']} job"
        f"{'s' if h['at_least'] > 1 else ''}, without any action)"
        for h in jobs.get("hidden", [])
    ]
    if jobs.get("actions") or jobs.get("hidden"):
        out.append("")
    out += ["## Findings", ""]
    findings = document.get("findings", [])
    out += (
        table(
            ["Line", "Rule", "Severity", "Problem", "Fix"],
            [[f["line"], f["rule"], f["severity"], f["message"], f["fix"]] for f in findings],
        )
        if findings
        else ["No anti-patterns found."]
    )
    lineage = document.get("lineage", {})
    out += ["", "## Lineage", "", "### Tables", ""]
    tables = lineage.get("tables", [])
    out += (
        table(
            ["From", "Line", "To", "Line"],
            [[t["from"], t["from_line"], t["to"], t["to_line"]] for t in tables],
        )
        if tables
        else ["No table-level lineage (no output depends on a known input)."]
    )
    columns = lineage.get("columns", [])
    if columns:
        out += ["", "### Columns", ""]
        out += table(
            ["Line", "Column", "Computed from", "Expression"],
            [[c["line"], c["column"], c["from"], c["expression"]] for c in columns],
        )
    return "\n".join(out).rstrip() + "\n"
