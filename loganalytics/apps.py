from django.apps import AppConfig


class LoganalyticsConfig(AppConfig):
    name = "loganalytics"
    verbose_name = "Log analytics"
    description = (
        "Import Spark event logs or post listener events and see per-application, job, "
        "stage and executor analytics with diagnoses."
    )

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from loganalytics.models import SparkApplication
        from loganalytics.store import forget_application_pks

        post_delete.connect(
            forget_application_pks, sender=SparkApplication, dispatch_uid="forget-app-pks"
        )
