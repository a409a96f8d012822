"""``spark.sql(...)``: resolve the text statically, parse it with sqlglot's Spark dialect."""

from __future__ import annotations

import ast
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.lineage import lineage

from .model import Frame, Text

MAX_SQL_CHARS = 50_000
# SQL parsing is the slowest step; bound it per submission so huge inputs stay fast.
MAX_SQL_CHARS_PER_SUBMISSION = 300_000


def record_sql(calls, node: ast.Call):
    from .calls import token_line

    interpreter = calls.i
    args, kwargs = calls.arguments(node)
    text = args[0] if args else kwargs.get("sqlQuery")
    line = token_line(node)
    if isinstance(text, Text) and (text.dynamic or text.value is None) and text.interpolated:
        interpreter.report("AP-IO04", line)
    sql = text.value if isinstance(text, Text) else None
    interpreter.sql_chars += len(sql or "")
    if sql and interpreter.sql_chars <= MAX_SQL_CHARS_PER_SUBMISSION:
        facts = analyse_sql(sql)
    else:
        facts = {"known": False}
    inputs = []
    for name in facts.get("tables", []):
        view = interpreter.views.get(name.lower())
        if view is not None:
            inputs.append(Frame(ops=(view,)))
    facts = dict(facts)
    views = interpreter.views
    facts["tables_read"] = [t for t in facts.get("tables", []) if t.lower() not in views]
    facts["sql"] = sql
    kind = "transformation" if facts.get("query", True) else "action"
    op = calls.new_op(
        "sql",
        node,
        inputs,
        api="sql",
        kind=kind,
        shuffle=bool(facts.get("shuffle")),
        columns=facts.get("columns"),
        detail=facts,
    )
    if facts.get("unpartitioned_window"):
        interpreter.report("AP-S05", line)
    view = facts.get("view_created")
    if view:
        interpreter.views[view.lower()] = op.id
    return Frame(ops=(op.id,))


@lru_cache(maxsize=512)
def _parse(sql: str):
    try:
        return sqlglot.parse_one(sql, read="spark"), None
    except Exception as exc:  # sqlglot raises several error types; all mean "cannot say"
        return None, str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def clear_sql_cache() -> None:
    """Forget parsed SQL (benchmarks measure cold analyses)."""
    _parse.cache_clear()


def analyse_sql(sql: str) -> dict:
    if len(sql) > MAX_SQL_CHARS:
        return {"known": False, "sql_error": "SQL text too long to analyse"}
    tree, error = _parse(sql)
    if tree is None:
        return {"known": False, "sql_error": error}
    facts: dict = {"known": True, "query": True}
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    tables: list[str] = []
    for table in tree.find_all(exp.Table):
        name = table_name(table)
        if name and name.lower() not in ctes and name not in tables:
            tables.append(name)
    query = tree
    if isinstance(tree, exp.Insert):
        facts["query"] = False
        written = tree.this
        target = written if isinstance(written, exp.Table) else written.find(exp.Table)
        facts["table_written"] = table_name(target) if target else None
        facts["write_mode"] = "overwrite" if tree.args.get("overwrite") else "append"
        query = tree.expression
    elif isinstance(tree, exp.Create):
        target = tree.this.find(exp.Table) if tree.this else None
        name = table_name(target) if target else None
        kind = (tree.args.get("kind") or "").upper()
        temporary = bool(tree.find(exp.TemporaryProperty))
        query = tree.expression
        if kind == "VIEW" and temporary:
            facts["view_created"] = name
        else:
            facts["query"] = False
            facts["table_written"] = name
            facts["write_mode"] = "create"
    elif not isinstance(tree, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery)):
        facts["query"] = False
    if facts.get("table_written"):
        tables = [t for t in tables if t != facts["table_written"]]
    facts["tables"] = tables
    if isinstance(query, exp.Expression):
        facts.update(query_facts(query))
        if facts.get("columns") and (query.find(exp.CTE) or query.find(exp.Subquery)):
            # Nested queries: let sqlglot's lineage walk through CTEs and subqueries.
            traced = library_lineage(query)
            if traced:
                facts["column_exprs"] = traced
    return facts


def library_lineage(query: exp.Expression) -> list | None:
    """(column, [table.column...], expression) per output column, via sqlglot.lineage."""
    try:
        nodes = lineage(None, query, {}, dialect="spark")
    except Exception:  # sqlglot cannot trace every query; the simple resolver's answer stays
        return None
    traced = []
    for name, node in nodes.items():
        sources = set()
        for leaf in node.walk():
            if leaf.downstream:
                continue
            table = leaf.source.find(exp.Table) if leaf.source is not None else None
            owner = table_name(table) if table is not None else None
            column = leaf.name.rpartition(".")[2]
            sources.add(f"{owner}.{column}" if owner else column)
        traced.append((name, sorted(sources), node.expression.sql(dialect="spark")[:200]))
    return traced


def table_name(table: exp.Table | None) -> str | None:
    if table is None or not table.name:
        return None
    return ".".join(part for part in (table.catalog, table.db, table.name) if part)


def query_facts(query: exp.Expression) -> dict:
    windows = list(query.find_all(exp.Window))
    hinted = any("BROADCAST" in h.sql().upper() for h in query.find_all(exp.Hint))
    joins = list(query.find_all(exp.Join))
    facts: dict = {
        "shuffle": bool(
            (joins and not hinted)
            or query.find(exp.Group)
            or query.find(exp.Distinct)
            or query.find(exp.Order)
            or windows
            or (isinstance(query, exp.Union) and query.args.get("distinct"))
        ),
        "unpartitioned_window": any(
            not w.args.get("partition_by") and (w.args.get("order") or w.args.get("spec"))
            for w in windows
        ),
    }
    select = query if isinstance(query, exp.Select) else None
    if select is None:
        return facts
    projections = select.expressions
    facts["select_star"] = any(isinstance(p, exp.Star) for p in projections)
    facts["limit"] = select.args.get("limit") is not None
    facts["global_aggregate"] = (
        not select.args.get("group")
        and bool(projections)
        and all(p.find(exp.AggFunc) is not None and p.find(exp.Window) is None for p in projections)
    )
    aliases = {}
    for source in [select.args.get("from_") or select.args.get("from"), *joins]:
        table = source.find(exp.Table) if source is not None else None
        if table is not None:
            aliases[(table.alias_or_name or "").lower()] = table_name(table)
    single = next(iter(aliases.values())) if len(aliases) == 1 else None
    columns, edges = [], []
    for projection in projections:
        if isinstance(projection, exp.Star) or projection.find(exp.Star):
            columns = None
            break
        name = projection.alias_or_name
        sources = []
        for column in projection.find_all(exp.Column):
            owner = aliases.get(column.table.lower()) if column.table else single
            sources.append(f"{owner}.{column.name}" if owner else column.name)
        columns.append(name)
        edges.append((name, sorted(set(sources)), projection.sql(dialect="spark")[:200]))
    facts["columns"] = columns
    facts["column_exprs"] = edges
    return facts
