"""Row counts and rule counts gathered by Spark while it runs the real work.

``DataFrame.observe`` adds aggregates to a query without another pass over the data, which
keeps the framework's overhead over a hand-written script small. Observations only fill in
once an action has run through them, so reading is non-blocking: ``None`` until then.
"""

from __future__ import annotations

import itertools

_ids = itertools.count()


class Observed:
    """Named aggregates attached to a DataFrame; read them after the run."""

    def __init__(self, df, label: str, **aggregates):
        from pyspark.sql import Observation

        self._observation = None
        self.df = df
        if df.isStreaming or not aggregates:
            return  # streaming queries report through their progress instead
        self._observation = Observation(f"{label}-{next(_ids)}")
        columns = [column.alias(name) for name, column in aggregates.items()]
        self.df = df.observe(self._observation, *columns)

    def values(self) -> dict | None:
        observation = self._observation
        if observation is None or observation._jo is None:
            return None
        if not observation._jo.future().isCompleted():
            return None
        return observation.get


def observe_rows(df, label: str) -> Observed:
    from pyspark.sql import functions as F

    return Observed(df, label, rows=F.count(F.lit(1)))
