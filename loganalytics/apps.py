from django.apps import AppConfig


class LoganalyticsConfig(AppConfig):
    name = "loganalytics"
    verbose_name = "Log analytics"
    description = (
        "Import Spark event logs or post listener events and see per-application, job, "
        "stage and executor analytics with diagnoses."
    )
