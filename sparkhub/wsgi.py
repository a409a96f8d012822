import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sparkhub.settings")
application = get_wsgi_application()

from loganalytics.ingest_http import IngestFastPath  # noqa: E402  (needs Django set up)

application = IngestFastPath(application)

from sparkhub.queues import ensure_redis  # noqa: E402  (needs the settings loaded above)

ensure_redis()  # the web process throttles and enqueues through Redis from its first request
