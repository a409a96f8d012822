from django.apps import AppConfig


class LakehouseConfig(AppConfig):
    name = "lakehouse"
    verbose_name = "Lakehouse"
    description = (
        "Run configuration-driven PySpark pipelines in HOCON, including the bronze → "
        "silver → gold returns medallion."
    )
