"""The offline explanation: a plain-language story of the analysis, readable without an LLM."""

from __future__ import annotations

from .describe import format_name
from .rules.catalogue import SEVERITY_RANK

ACTIVITIES = (
    ({"filter", "where"}, "filters rows"),
    (
        {"select", "selectExpr", "withColumn", "withColumns", "withColumnRenamed", "drop"},
        "shapes columns",
    ),
    ({"join", "crossJoin"}, "joins datasets"),
    ({"union", "unionAll", "unionByName"}, "combines datasets"),
    ({"groupBy", "groupby", "agg", "rollup", "cube"}, "aggregates"),
    ({"distinct", "dropDuplicates", "drop_duplicates"}, "removes duplicates"),
    ({"orderBy", "sort"}, "sorts"),
    ({"sql"}, "runs SQL"),
    (
        {"map", "flatMap", "mapValues", "reduceByKey", "groupByKey"},
        "processes RDDs with Python functions",
    ),
)
MAX_FIXES = 5


def where_text(record: dict) -> str:
    where = record.get("path_or_table")
    fmt = record.get("format")
    place = f"`{where}`" if where else "a location known only at run time"
    if fmt in (None, "table"):
        return f"table {place}" if fmt == "table" else place
    return f"{format_name(fmt)} {place}"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def purpose(document: dict) -> str:
    """One paragraph: what comes in, what happens, what goes out."""
    operations = document.get("operations", [])
    if not operations:
        return "No Spark operations were found in this code."
    sources = list(dict.fromkeys(where_text(s) for s in document.get("sources", [])))
    sinks = list(dict.fromkeys(where_text(s) for s in document.get("sinks", [])))
    methods = {op["method"] for op in operations}
    streaming = any(s.get("streaming") for s in document.get("sources", []))
    activities = [text for names, text in ACTIVITIES if names & methods]
    sentence = "This streaming job" if streaming else "This job"
    if sources:
        sentence += f" reads {join_words(sources[:4])}"
        if len(sources) > 4:
            sentence += f" (and {len(sources) - 4} more inputs)"
    elif methods & {"createDataFrame", "range", "sc.parallelize"}:
        sentence += " builds its data in the program"
    else:
        sentence += " works on DataFrames handed to it by its caller"
    sentences = [sentence + "."]
    if activities:
        sentences.append(f"It {join_words(activities)}.")
    outcomes = []
    if sinks:
        outcomes.append(f"writes {join_words(sinks[:4])}")
    driver = {"collect", "toPandas", "take", "first", "head", "toLocalIterator"} & methods
    if driver:
        outcomes.append("brings results back to the driver")
    if methods & {"show", "display"}:
        outcomes.append("prints rows to the console")
    if methods & {"count"} and not outcomes:
        outcomes.append("counts rows")
    if outcomes:
        sentences.append(f"{'Finally it' if activities else 'It'} {join_words(outcomes)}.")
    return " ".join(sentences)


def execution_paragraph(document: dict) -> str:
    operations = document.get("operations", [])
    shuffles = [op for op in operations if op["shuffle"]]
    jobs = document.get("jobs", {})
    stages = document.get("stages", [])
    parts = [
        f"The code defines {len(operations)} Spark operation{'s' if len(operations) != 1 else ''}"
        f" in {len(stages)} stage{'s' if len(stages) != 1 else ''}."
    ]
    if shuffles:
        where = join_words([f"line {op['line']} ({op['method']})" for op in shuffles[:6]])
        more = f" and {len(shuffles) - 6} more" if len(shuffles) > 6 else ""
        parts.append(
            f"Data is shuffled across the network at {where}{more}; "
            "each shuffle starts a new stage."
        )
    else:
        parts.append("Nothing shuffles data across the network.")
    actions = jobs.get("actions", [])
    hidden = jobs.get("hidden", [])
    if actions or hidden:
        lines = join_words([str(a["line"]) for a in actions[:8]])
        text = f"Spark will run at least {jobs.get('at_least', 0)} job"
        text += "s" if jobs.get("at_least", 0) != 1 else ""
        if actions:
            text += (
                f": one for each of the {len(actions)} actions (lines {lines})"
                if len(actions) > 1
                else f": one for the action at line {lines}"
            )
        parts.append(text + ".")
        if hidden:
            extra = sum(h["at_least"] for h in hidden)
            parts.append(
                f"{'The other' if actions else 'All'} {extra} start without any action, so they "
                "are easy to miss: "
                + "; ".join(f"line {h['line']}: {h['reason']}" for h in hidden[:5])
                + "."
            )
        parts.append("Adaptive execution can add more jobs, so treat the count as a minimum.")
        looped = [a for a in actions if a.get("in_loop")]
        if looped:
            parts.append(
                "The action"
                + ("s" if len(looped) > 1 else "")
                + " at line"
                + ("s " if len(looped) > 1 else " ")
                + join_words([str(a["line"]) for a in looped])
                + " sit"
                + ("" if len(looped) > 1 else "s")
                + " inside a loop and run once per iteration."
            )
    else:
        parts.append("No action runs it, so as written Spark does no work here.")
    if jobs.get("streaming_queries"):
        parts.append("The streaming query keeps running and starts jobs for every micro-batch.")
    return " ".join(parts)


def stage_title(stage: dict, by_id: dict) -> str:
    if stage["starts_with"] == "shuffle":
        op = by_id[stage["shuffle_operation"]]
        return f"Stage {stage['id']}: after the shuffle for {op['method']} (line {op['line']})"
    if stage["starts_with"] == "source":
        return f"Stage {stage['id']}: reading the input"
    return f"Stage {stage['id']}"


def steps(document: dict) -> list[str]:
    by_id = {op["id"]: op for op in document.get("operations", [])}
    lines: list[str] = []
    number = 1
    for stage in document.get("stages", []):
        lines.append(stage_title(stage, by_id))
        for op_id in stage["operations"]:
            op = by_id[op_id]
            marker = " [action]" if op["kind"] == "action" else ""
            lines.append(f"{number}. Line {op['line']}: {op['summary']}.{marker}")
            number += 1
        lines.append("")
    return lines


def fixes_first(findings: list[dict]) -> list[str]:
    ranked = sorted(findings, key=lambda f: (-SEVERITY_RANK[f["severity"]], f["line"]))
    lines = []
    for index, finding in enumerate(ranked[:MAX_FIXES], start=1):
        lines.append(
            f"{index}. Line {finding['line']} ({finding['severity']}, {finding['rule']}"
            f" {finding.get('title', '')}): {finding['message']} Fix: {finding['fix']}"
        )
    if len(ranked) > MAX_FIXES:
        lines.append(f"... and {len(ranked) - MAX_FIXES} more findings of lower priority.")
    return lines


def narrate(document: dict) -> str:
    """The offline explanation shown when no LLM is configured."""
    out: list[str] = []
    for error in document.get("errors", []):
        out.append(
            f"Part of the code could not be read ({error.get('file') or 'file'}, line "
            f"{error['line']}: {error['message']}); the explanation covers the rest."
        )
    if out:
        out.append("")
    out += [
        "What it does",
        purpose(document),
        "",
        "How Spark runs it",
        execution_paragraph(document),
        "",
    ]
    if document.get("operations"):
        out += ["Step by step", *steps(document)]
    findings = document.get("findings", [])
    out.append("What to fix first")
    out += fixes_first(findings) if findings else ["Nothing: no anti-patterns were found."]
    return "\n".join(out).rstrip() + "\n"
