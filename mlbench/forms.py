from django import forms

from mlbench.engine import TASK_NAMES
from mlbench.models import Target

TASK_CHOICES = [(name, name.replace("_", " ")) for name in TASK_NAMES]


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV, JSON (array or NDJSON), TXT or PDF.")
    name = forms.CharField(max_length=200, required=False)


class BenchmarkForm(forms.Form):
    tasks = forms.MultipleChoiceField(choices=TASK_CHOICES, widget=forms.CheckboxSelectMultiple)
    worker_counts = forms.CharField(initial="1,2,4,8", help_text="Comma-separated, e.g. 1,2,4,8")
    repetitions = forms.IntegerField(min_value=1, max_value=20, initial=3)
    target = forms.ChoiceField(
        choices=Target.choices,
        initial=Target.LOCAL,
        help_text="Databricks: one new cluster per worker count (N = its workers); "
        "needs DATABRICKS_HOST and DATABRICKS_TOKEN.",
    )
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "label=price\nk=4"}),
        help_text="Optional key=value per line: label, features, k, min_support, "
        "min_confidence, items_column, timestamp, value, frequency.",
    )

    def clean_worker_counts(self):
        try:
            return [int(part) for part in self.cleaned_data["worker_counts"].split(",") if part]
        except ValueError:
            raise forms.ValidationError("Give whole numbers separated by commas.") from None

    def clean_options(self):
        options = {}
        for line in self.cleaned_data["options"].splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(f"{line!r} must look like key=value.")
            options[key.strip()] = parse_option_value(value.strip())
        return options


def parse_option_value(value: str):
    """Numbers as numbers (k=4, min_support=0.1); lists of columns stay text for the engine."""
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value
