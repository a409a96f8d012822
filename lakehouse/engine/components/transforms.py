"""Built-in transforms: sql, select, rename, cast, trim, filter, dedupe, derive, union."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ddl import normalise_type
from ..observe import Observed
from .base import Columns, StepContext, StepOutput, Transform

REJECT_REASON = "reject_reason"
REJECT_RULE = "dq_rule"
REJECT_STEP = "dq_step"


def only_input(inputs: dict):
    return next(iter(inputs.values()))


def with_reject_columns(df, reason_column, rule: str, step: str):
    """Rejected rows carry why (``reject_reason``), which rule and which step dropped them."""
    from pyspark.sql import functions as F

    return (
        df.withColumn(REJECT_REASON, reason_column)
        .withColumn(REJECT_RULE, F.lit(rule))
        .withColumn(REJECT_STEP, F.lit(step))
    )


@dataclass
class SqlConfig:
    sql: str  # inputs are referenced as {step_name} (or {input} for the first one)


class SqlTransform(Transform):
    Config = SqlConfig
    multi_input = True

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        return None

    def apply(self, ctx: StepContext, inputs: dict):
        frames = {_placeholder(name): df for name, df in inputs.items()}
        if frames:
            frames.setdefault("input", only_input(inputs))
        return ctx.spark.sql(self.config.sql, **frames)


def _placeholder(name: str) -> str:
    return re.sub(r"\W", "_", name)


@dataclass
class SelectConfig:
    columns: list[str]  # column names or SQL expressions ("amount * 2 as doubled")


class SelectTransform(Transform):
    Config = SelectConfig

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        known = dict(inputs[0] or [])
        return [(c, known.get(c, "?")) for c in self.config.columns] if inputs[0] else None

    def apply(self, ctx: StepContext, inputs: dict):
        return only_input(inputs).selectExpr(*self.config.columns)


@dataclass
class RenameConfig:
    columns: dict[str, str]  # old name -> new name


class RenameTransform(Transform):
    Config = RenameConfig
    preserves_rows = True

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        if inputs[0] is None:
            return None
        return [(self.config.columns.get(n, n), t) for n, t in inputs[0]]

    def apply(self, ctx: StepContext, inputs: dict):
        return only_input(inputs).withColumnsRenamed(self.config.columns)


@dataclass
class CastConfig:
    columns: dict[str, str]  # column -> Spark type
    formats: dict[str, str] = field(default_factory=dict)  # date/timestamp patterns
    safe: bool = True  # unparseable values become null instead of failing the run


class CastTransform(Transform):
    Config = CastConfig
    preserves_rows = True

    def check(self) -> list[tuple[str, str]]:
        problems = []
        for column, type_text in self.config.columns.items():
            try:
                normalise_type(type_text)
            except ValueError as error:
                problems.append((f"columns.{column}", str(error)))
        return problems

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        if inputs[0] is None:
            return None
        types = {c: normalise_type(t) for c, t in self.config.columns.items()}
        return [(n, types.get(n, t)) for n, t in inputs[0]]

    def apply(self, ctx: StepContext, inputs: dict):
        from pyspark.sql import functions as F

        casts = {}
        for column, type_text in self.config.columns.items():
            spark_type = normalise_type(type_text)
            pattern = self.config.formats.get(column)
            source = F.col(column)
            if pattern and spark_type == "date":
                parse = F.try_to_date if self.config.safe else F.to_date
                casts[column] = parse(source, pattern)
            elif pattern and spark_type.startswith("timestamp"):
                if self.config.safe:
                    casts[column] = F.try_to_timestamp(source, F.lit(pattern))
                else:
                    casts[column] = F.to_timestamp(source, pattern)
            elif self.config.safe:
                casts[column] = source.try_cast(spark_type)
            else:
                casts[column] = source.cast(spark_type)
        return only_input(inputs).withColumns(casts)


@dataclass
class TrimConfig:
    columns: list[str] = field(default_factory=list)  # empty: every string column
    empty_as_null: bool = True


class TrimTransform(Transform):
    Config = TrimConfig
    preserves_rows = True

    def apply(self, ctx: StepContext, inputs: dict):
        from pyspark.sql import functions as F

        df = only_input(inputs)
        columns = self.config.columns or [
            f.name for f in df.schema.fields if f.dataType.simpleString() == "string"
        ]
        trimmed = {}
        for column in columns:
            value = F.trim(F.col(column))
            if self.config.empty_as_null:
                value = F.when(value == "", F.lit(None)).otherwise(value)
            trimmed[column] = value
        return df.withColumns(trimmed)


@dataclass
class FilterConfig:
    condition: str  # SQL predicate; rows where it is not true are removed
    reject_reason: str = ""  # when set, removed rows go to <step>.rejects with this reason


class FilterTransform(Transform):
    Config = FilterConfig

    def apply(self, ctx: StepContext, inputs: dict):
        from pyspark.sql import functions as F

        df = only_input(inputs)
        keep = F.coalesce(F.expr(self.config.condition), F.lit(False))
        if not self.config.reject_reason:
            return df.filter(keep)
        rejects = with_reject_columns(
            df.filter(~keep), F.lit(self.config.reject_reason), "filter", ctx.step
        )
        return StepOutput(main=df.filter(keep), rejects=rejects)


@dataclass
class DedupeConfig:
    keys: list[str]
    order_by: list[str] = field(default_factory=list)  # "col", "col desc": first row is kept
    reject_reason: str = ""  # when set, the other rows go to <step>.rejects


_ORDER = re.compile(r"^\s*(\S+)(?:\s+(asc|desc))?\s*$", re.I)


class DedupeTransform(Transform):
    Config = DedupeConfig

    def check(self) -> list[tuple[str, str]]:
        return [
            (f"order_by[{i}]", f"write 'column', 'column asc' or 'column desc', got {o!r}")
            for i, o in enumerate(self.config.order_by)
            if not _ORDER.match(o)
        ]

    def apply(self, ctx: StepContext, inputs: dict):
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        df = only_input(inputs)
        if not self.config.order_by and not self.config.reject_reason:
            return df.dropDuplicates(self.config.keys)
        ordering = []
        for item in self.config.order_by or self.config.keys:
            column, direction = _ORDER.match(item).groups()
            descending = (direction or "asc").lower() == "desc"
            # nulls never win a tie-break: "latest date" means the latest known date
            column = F.col(column)
            ordering.append(column.desc_nulls_last() if descending else column.asc_nulls_last())
        window = Window.partitionBy(*self.config.keys).orderBy(*ordering)
        ranked = Observed(
            df.withColumn("_dedupe_rank", F.row_number().over(window)),
            f"{ctx.step}-dedupe",
            kept=F.sum((F.col("_dedupe_rank") == 1).cast("long")),
            rejected=F.sum((F.col("_dedupe_rank") > 1).cast("long")),
        )
        counts = {"": (ranked, "kept"), "rejects": (ranked, "rejected")}
        main = ranked.df.filter("_dedupe_rank = 1").drop("_dedupe_rank")
        if not self.config.reject_reason:
            return StepOutput(main=main, counts=counts)
        rejects = with_reject_columns(
            ranked.df.filter("_dedupe_rank > 1").drop("_dedupe_rank"),
            F.lit(self.config.reject_reason),
            "dedupe",
            ctx.step,
        )
        return StepOutput(main=main, rejects=rejects, cache_parent=ranked.df, counts=counts)


@dataclass
class DeriveConfig:
    columns: dict[str, str]  # column -> SQL expression, applied in order


class DeriveTransform(Transform):
    Config = DeriveConfig
    preserves_rows = True

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        if inputs[0] is None:
            return None
        columns = dict(inputs[0])
        for name in self.config.columns:
            columns[name] = "?"
        return list(columns.items()) if len(inputs[0]) else None

    def apply(self, ctx: StepContext, inputs: dict):
        from pyspark.sql import functions as F

        df = only_input(inputs)
        for column, expression in self.config.columns.items():
            df = df.withColumn(column, F.expr(expression))
        return df


class UnionTransform(Transform):
    multi_input = True

    def output_columns(self, inputs: list[Columns | None]) -> Columns | None:
        return inputs[0] if inputs else None

    def apply(self, ctx: StepContext, inputs: dict):
        return union_by_name(list(inputs.values()))


def union_by_name(frames: list):
    """Union by column name; a column whose type differs between inputs is kept as text."""
    from pyspark.sql import functions as F

    if len(frames) == 1:
        return frames[0]
    types: dict[str, set[str]] = {}
    for df in frames:
        for f in df.schema.fields:
            types.setdefault(f.name, set()).add(f.dataType.simpleString())
    mixed = [name for name, seen in types.items() if len(seen) > 1]
    result = None
    for df in frames:
        present = [c for c in mixed if c in df.columns]
        if present:
            df = df.withColumns({c: F.col(c).cast("string") for c in present})
        result = df if result is None else result.unionByName(df, allowMissingColumns=True)
    return result
