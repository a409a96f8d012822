from django import forms

from loganalytics.models import ApplicationStatus, EventSource


class UploadForm(forms.Form):
    log = forms.FileField(
        label="Event log",
        allow_empty_file=True,  # the import says which file is empty, like every other error
        help_text=(
            "One event-log file (plain, .zstd, .lz4, .snappy, .lzf, .inprogress) or a .zip of "
            "a rolling eventlog_v2_* directory."
        ),
    )


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name or id")
    status = forms.ChoiceField(
        required=False, choices=[("", "any status"), *ApplicationStatus.choices]
    )
    source = forms.ChoiceField(required=False, choices=[("", "any source"), *EventSource.choices])
    findings = forms.ChoiceField(
        required=False,
        choices=[("", "any findings"), ("critical", "with critical"), ("warning", "with warnings")],
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(name__icontains=data["q"]) | queryset.filter(
                app_id__icontains=data["q"]
            )
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["source"]:
            queryset = queryset.filter(source=data["source"])
        if data["findings"] == "critical":
            queryset = queryset.filter(critical_findings__gt=0)
        elif data["findings"] == "warning":
            queryset = queryset.filter(warning_findings__gt=0)
        if data["since"]:
            queryset = queryset.filter(started_at__date__gte=data["since"])
        if data["until"]:
            queryset = queryset.filter(started_at__date__lte=data["until"])
        return queryset
