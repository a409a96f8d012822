"""mlbench's Spark engine: loaders, the six ML tasks and the benchmark runner.

Django-free on purpose so it can be shipped to a Spark cluster as-is. Modules that only do
arithmetic or file sniffing (``errors``, ``sniffing``, ``pdftext``, ``summary``, ``synthetic``)
never import pyspark, so the upload form and the web process can use them without a JVM.
"""

TASK_NAMES = (
    "descriptive_stats",
    "linear_regression",
    "logistic_regression",
    "kmeans",
    "fpgrowth",
    "time_series",
)
