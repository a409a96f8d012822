from django.apps import AppConfig
from django.conf import settings


class SparkhubConfig(AppConfig):
    name = "sparkhub"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from sparkhub.observability import clear_correlation_id

        request_finished.connect(clear_correlation_id, dispatch_uid="sparkhub-correlation-id")
        if settings.OTEL_EXPORTER_OTLP_ENDPOINT:
            from sparkhub.observability import configure_tracing

            configure_tracing()
