"""Data-quality expectations written natively in PySpark.

Row rules (not_null, unique, range, regex, allowed_values, sql) mark each failing row; dataset
rules (row_count, schema) look at the whole frame. Each rule's action decides what happens:
``warn`` keeps the rows and reports, ``drop`` removes them, ``quarantine`` removes them and hands
them to ``<step>.rejects`` with a ``reject_reason``, ``fail`` stops the run. A row failing several
rules is rejected for the first one, in the order written. Counts for warn/drop/quarantine rules
are observed during the real write, so checking costs no extra pass over the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .components.base import Columns, PermanentError, StepContext, StepOutput, Validator
from .components.transforms import REJECT_REASON, REJECT_RULE, REJECT_STEP
from .ddl import parse_schema
from .observe import Observed

ROW_RULES = ("not_null", "unique", "range", "regex", "allowed_values", "sql")
DATASET_RULES = ("row_count", "schema")


class QualityFailure(PermanentError):
    """A rule with ``action = fail`` found failing rows; ``results`` keeps every rule's counts."""

    def __init__(self, message: str, results: list | None = None):
        super().__init__(message)
        self.results = results or []


@dataclass
class RuleConfig:
    rule: Literal[
        "not_null", "unique", "range", "regex", "allowed_values", "row_count", "schema", "sql"
    ]
    column: str = ""
    columns: list[str] = field(default_factory=list)
    min: float | None = None
    max: float | None = None
    pattern: str = ""
    values: list[Any] = field(default_factory=list)
    expr: str = ""  # sql: the predicate every good row satisfies
    schema: str = ""  # schema: "name type, ..." the frame must contain
    exact: bool = False  # schema: no other columns allowed
    action: Literal["warn", "drop", "quarantine", "fail"] = "warn"
    reason: str = ""  # the reject_reason written for quarantined rows
    name: str = ""

    @property
    def targets(self) -> list[str]:
        return self.columns or ([self.column] if self.column else [])

    @property
    def label(self) -> str:
        return self.name or "_".join([self.rule, *self.targets]) or self.rule

    @property
    def reject_reason(self) -> str:
        return self.reason or self.label


@dataclass
class QualityConfig:
    rules: list[RuleConfig]


@dataclass
class RuleResult:
    """One rule's outcome; counts of lazily observed rules fill in after the run."""

    rule: RuleConfig
    step: str
    failed: int | None = None
    total: int | None = None
    detail: str = ""
    observed: Observed | None = None

    def as_dict(self) -> dict:
        failed, total = self.failed, self.total
        if self.observed is not None and failed is None:
            values = self.observed.values()
            if values is not None:
                failed, total = values.get(self.rule.label), values.get("_total")
        if failed is None:
            status = "unknown"
        elif failed == 0:
            status = "passed"
        else:
            status = "failed" if self.rule.action == "fail" else "warned"
        return {
            "step": self.step,
            "rule": self.rule.label,
            "type": self.rule.rule,
            "columns": self.rule.targets,
            "action": self.rule.action,
            "reason": self.rule.reject_reason if self.rule.action == "quarantine" else "",
            "failed": failed,
            "passed": None if failed is None or total is None else total - failed,
            "total": total,
            "status": status,
            "detail": self.detail,
        }


class QualityValidator(Validator):
    Config = QualityConfig

    def check(self) -> list[tuple[str, str]]:
        problems = []
        labels = set()
        for index, rule in enumerate(self.config.rules):
            where = f"rules[{index}]"
            needs_column = rule.rule in ("not_null", "unique", "range", "regex", "allowed_values")
            if needs_column and not rule.targets:
                problems.append((where, f"{rule.rule} needs column or columns"))
            if rule.rule in ("range", "row_count") and rule.min is None and rule.max is None:
                problems.append((where, f"{rule.rule} needs min or max"))
            if rule.rule == "regex" and not rule.pattern:
                problems.append((where, "regex needs pattern"))
            if rule.rule == "allowed_values" and not rule.values:
                problems.append((where, "allowed_values needs values"))
            if rule.rule == "sql" and not rule.expr:
                problems.append((where, "sql needs expr (the predicate good rows satisfy)"))
            if rule.rule == "schema":
                try:
                    parse_schema(rule.schema)
                except ValueError as error:
                    problems.append((f"{where}.schema", str(error)))
            if rule.rule in DATASET_RULES and rule.action in ("drop", "quarantine"):
                problems.append(
                    (f"{where}.action", f"{rule.rule} checks the whole dataset; use warn or fail")
                )
            if rule.label in labels:
                problems.append(
                    (f"{where}.name", f"two rules are called {rule.label!r}; give one a name")
                )
            labels.add(rule.label)
        return problems

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        return inputs[0]

    def produces_rejects(self) -> bool:
        return any(r.action == "quarantine" for r in self.config.rules)

    def validate(self, ctx: StepContext, df) -> StepOutput:
        from pyspark.sql import functions as F

        results: list[RuleResult] = []
        row_rules = [r for r in self.config.rules if r.rule in ROW_RULES]
        for rule in self.config.rules:
            if rule.rule == "schema":
                results.append(self._check_schema(ctx, df, rule))
        # Each rule's verdict becomes a column, so the predicate (a date parse, a decimal
        # cast...) runs once per row: the index below and the observed counts both read it.
        # The columns are dropped again before anything is cached or written.
        flags = {r.label: _flag(position) for position, r in enumerate(row_rules)}
        flagged = df.withColumns({flags[r.label]: _failing(r, df) for r in row_rules})
        failing = {label: F.col(flag) for label, flag in flags.items()}

        must_pass = [r for r in row_rules if r.action == "fail"]
        if must_pass or any(r.rule == "row_count" for r in self.config.rules):
            results.extend(self._check_eagerly(ctx, flagged, must_pass, failing))

        lazy = [r for r in row_rules if r.action != "fail"]
        removing = [r for r in lazy if r.action in ("drop", "quarantine")]
        quarantined = [i for i, r in enumerate(removing) if r.action == "quarantine"]
        index = F.lit(None).cast("int")
        for position in reversed(range(len(removing))):  # the first failing rule wins
            index = F.when(failing[removing[position].label], F.lit(position)).otherwise(index)
        # One observation counts every rule and both outputs while the real write runs.
        observed = Observed(
            flagged.withColumn("_dq_index", index),
            f"{ctx.step}-quality",
            _total=F.count(F.lit(1)),
            _kept=F.sum(F.col("_dq_index").isNull().cast("long")),
            _quarantined=F.sum(
                F.coalesce(F.col("_dq_index").isin(quarantined), F.lit(False)).cast("long")
            ),
            **{r.label: F.sum(failing[r.label].cast("long")) for r in lazy},
        )
        results.extend(RuleResult(rule, ctx.step, observed=observed) for rule in lazy)
        counts = {"": (observed, "_kept"), "rejects": (observed, "_quarantined")}
        classified = observed.df.drop(*flags.values())
        main = classified.filter(F.col("_dq_index").isNull()).drop("_dq_index")
        if not quarantined:
            return StepOutput(main=main, quality=results, counts=counts)

        def pick(values: list[str]):
            return F.element_at(F.array(*[F.lit(v) for v in values]), F.col("_dq_index") + 1)

        rejects = (
            classified.filter(F.col("_dq_index").isin(quarantined))
            .withColumn(REJECT_REASON, pick([r.reject_reason for r in removing]))
            .withColumn(REJECT_RULE, pick([r.label for r in removing]))
            .withColumn(REJECT_STEP, F.lit(ctx.step))
            .drop("_dq_index")
        )
        return StepOutput(
            main=main, rejects=rejects, quality=results, cache_parent=classified, counts=counts
        )

    def _check_schema(self, ctx: StepContext, df, rule: RuleConfig) -> RuleResult:
        expected = parse_schema(rule.schema)
        actual = {f.name: f.dataType.simpleString() for f in df.schema.fields}
        issues = []
        for name, type_name in expected:
            if name not in actual:
                issues.append(f"missing column {name}")
            elif actual[name] != type_name:
                issues.append(f"{name} is {actual[name]}, expected {type_name}")
        if rule.exact:
            extra = [c for c in actual if c not in dict(expected)]
            issues.extend(f"unexpected column {c}" for c in extra)
        result = RuleResult(
            rule, ctx.step, failed=len(issues), total=len(expected), detail="; ".join(issues)
        )
        if issues and rule.action == "fail":
            raise QualityFailure(f"schema check {rule.label} failed: {result.detail}", [result])
        return result

    def _check_eagerly(self, ctx: StepContext, flagged, must_pass: list[RuleConfig], failing):
        """Rules that can stop the run need their counts before anything is written."""
        from pyspark.sql import functions as F

        aggregates = [F.count(F.lit(1)).alias("_total")]
        aggregates += [F.sum(failing[r.label].cast("long")).alias(r.label) for r in must_pass]
        counts = flagged.agg(*aggregates).first().asDict()
        total = counts["_total"]
        results, failures = [], []
        for rule in must_pass:
            failed = counts[rule.label] or 0
            results.append(RuleResult(rule, ctx.step, failed=failed, total=total))
            if failed:
                failures.append(f"{rule.label}: {failed} of {total} rows fail")
        for rule in self.config.rules:
            if rule.rule != "row_count":
                continue
            too_few = rule.min is not None and total < rule.min
            too_many = rule.max is not None and total > rule.max
            detail = f"{total} rows, expected {_bounds(rule)}" if too_few or too_many else ""
            results.append(
                RuleResult(rule, ctx.step, failed=int(bool(detail)), total=1, detail=detail)
            )
            if detail and rule.action == "fail":
                failures.append(f"{rule.label}: {detail}")
        if failures:
            raise QualityFailure("quality rules failed: " + "; ".join(failures), results)
        return results


def _bounds(rule: RuleConfig) -> str:
    low = "" if rule.min is None else f">= {rule.min:g}"
    high = "" if rule.max is None else f"<= {rule.max:g}"
    return " and ".join(b for b in (low, high) if b)


def _flag(position: int) -> str:
    return f"_dq_fail_{position}"


def _failing(rule: RuleConfig, df):
    """A boolean column, true on rows that break ``rule`` (never null)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    columns = [F.col(c) for c in rule.targets]
    if rule.rule == "not_null":
        condition = F.lit(False)
        for column in columns:
            condition = condition | column.isNull()
        return condition
    if rule.rule == "unique":
        window = Window.partitionBy(*columns)
        return F.count(F.lit(1)).over(window) > 1
    if rule.rule == "sql":
        return ~F.coalesce(F.expr(rule.expr), F.lit(False))
    column = columns[0]
    if rule.rule == "range":
        bad = F.lit(False)
        if rule.min is not None:
            bad = bad | (column < F.lit(rule.min))
        if rule.max is not None:
            bad = bad | (column > F.lit(rule.max))
    elif rule.rule == "regex":
        bad = ~column.rlike(rule.pattern)
    else:  # allowed_values
        bad = ~column.isin(rule.values)
    # Nulls are not_null's business; other rules judge only the values that are there.
    return F.coalesce(bad, F.lit(False))
