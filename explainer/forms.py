from django import forms

from explainer.services import SubmissionError, files_from_uploads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class SubmissionForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    code = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 18, "spellcheck": "false", "placeholder": "Paste PySpark code here…"}
        ),
    )
    uploads = MultipleFileField(
        required=False, help_text="One or more .py files, or a .zip of a project."
    )

    def clean(self):
        cleaned = super().clean()
        files: dict[str, str] = {}
        if cleaned.get("code", "").strip():
            files["main.py"] = cleaned["code"]
        try:
            files.update(files_from_uploads(cleaned.get("uploads") or []))
        except SubmissionError as error:
            raise forms.ValidationError({"uploads": str(error)}) from None
        if not files:
            raise forms.ValidationError("Paste some code or upload a .py or .zip file.")
        cleaned["files"] = files
        return cleaned
