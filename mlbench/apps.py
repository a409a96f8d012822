from django.apps import AppConfig


class MlbenchConfig(AppConfig):
    name = "mlbench"
    verbose_name = "ML bench"
    description = (
        "Upload a dataset, run ML tasks on Spark MLlib and benchmark how they scale "
        "across worker counts."
    )
