from django import forms

from lakehouse.models import Pipeline


class PipelineForm(forms.ModelForm):
    class Meta:
        model = Pipeline
        fields = ["name", "description", "config"]
        widgets = {"config": forms.Textarea(attrs={"rows": 28, "spellcheck": "false"})}


class RunForm(forms.Form):
    overrides = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "returns.input_path=/data/*.csv"}),
        help_text="One key=value per line, applied before the config is resolved.",
    )
    dry_run = forms.BooleanField(required=False)

    def clean_overrides(self):
        return [
            line.strip() for line in self.cleaned_data["overrides"].splitlines() if line.strip()
        ]
