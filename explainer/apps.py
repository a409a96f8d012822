from django.apps import AppConfig


class ExplainerConfig(AppConfig):
    name = "explainer"
    verbose_name = "Explainer"
    description = (
        "Paste or upload PySpark code and see its DAG, shuffles, anti-patterns, lineage "
        "and a plain-language explanation — without running it."
    )
