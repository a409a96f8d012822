"""A row per application attempt: two attempts of one application (YARN retried its driver)
are two logs, each with its own events, under one application id."""

import json

from django.db import migrations, models


def fill_attempt_ids(apps, schema_editor):
    """Rows imported before this migration: take the attempt id from their ApplicationStart."""
    SparkApplication = apps.get_model("loganalytics", "SparkApplication")
    SparkEvent = apps.get_model("loganalytics", "SparkEvent")
    starts = SparkEvent.objects.filter(kind="ApplicationStart").values_list("application_id", "raw")
    for application_id, raw in starts.iterator():
        attempt_id = json.loads(raw).get("App Attempt ID")
        if isinstance(attempt_id, str) and attempt_id:
            SparkApplication.objects.filter(pk=application_id).update(attempt_id=attempt_id[:64])


class Migration(migrations.Migration):
    dependencies = [("loganalytics", "0002_event_raw_lz4")]

    operations = [
        migrations.AddField(
            model_name="sparkapplication",
            name="attempt_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="sparkapplication",
            name="app_id",
            field=models.CharField(db_index=True, max_length=255),
        ),
        migrations.RunPython(fill_attempt_ids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="sparkapplication",
            constraint=models.UniqueConstraint(
                fields=("app_id", "attempt_id"), name="loganalytics_one_row_per_attempt"
            ),
        ),
    ]
