"""sparkhub settings: one module, driven by environment variables (see .env.example).

Unset variables fall back to the embedded defaults (SQLite and an embedded Redis under var/,
files on local disk, Spark local[*]); a bad value raises ImproperlyConfigured naming it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from sparkhub.embedded_redis import EmbeddedRedis
from sparkhub.env import Env, parse_database_url
from sparkhub.spark import SparkSettings, SparkSettingsError, var_dir

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = var_dir()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    configured = env.str("SECRET_KEY")
    if configured:
        return configured
    # No key configured: keep a random one in var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

# Behind TLS (a proxy that sets X-Forwarded-Proto), turn on every HTTPS-only protection.
HTTPS = env.bool("SPARKHUB_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_rq",
    "sparkhub",
    "explainer",
    "loganalytics",
    "mlbench",
    "lakehouse",
]

MIDDLEWARE = [
    "sparkhub.observability.RequestContextMiddleware",
    "sparkhub.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sparkhub.urls"
WSGI_APPLICATION = "sparkhub.wsgi.application"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": parse_database_url(env.str("DATABASE_URL"), var_dir=VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, throttling and RQ ---------------------------------------------------------
EMBEDDED_REDIS = EmbeddedRedis(VAR_DIR)
REDIS_URL = env.str("REDIS_URL")
USE_EMBEDDED_REDIS = not REDIS_URL
if USE_EMBEDDED_REDIS:
    REDIS_URL = EMBEDDED_REDIS.url
elif not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix://, got {REDIS_URL!r}"
    )

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sparkhub",
        "TIMEOUT": 300,
    }
}

# Each queue has its own time limit: LLM calls are short, Spark work can take hours.
QUEUE_TIMEOUTS = {
    "default": env.int("RQ_DEFAULT_TIMEOUT", 600, minimum=1),
    "llm": env.int("RQ_LLM_TIMEOUT", 300, minimum=1),
    "spark": env.int("RQ_SPARK_TIMEOUT", 4 * 3600, minimum=1),
}
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": timeout} for name, timeout in QUEUE_TIMEOUTS.items()
}
RQ = {"WORKER_CLASS": "sparkhub.worker.SparkhubWorker"}
# django-rq's own admin pages check is_staff only; its dashboard is served (superuser-only)
# at /admin/django_rq/ by sparkhub.urls instead.
RQ_SHOW_ADMIN_LINK = False
# A RUNNING run whose heartbeat is older than this is considered orphaned by a dead worker.
RUN_STALE_AFTER_SECONDS = env.int("RUN_STALE_AFTER_SECONDS", 60, minimum=2)
RUN_HEARTBEAT_SECONDS = env.int("RUN_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_MAINTENANCE_SECONDS = env.int("WORKER_MAINTENANCE_SECONDS", 30, minimum=1)
if RUN_STALE_AFTER_SECONDS <= 2 * RUN_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "RUN_STALE_AFTER_SECONDS must be more than twice RUN_HEARTBEAT_SECONDS, or live runs "
        "would be taken for dead ones"
    )
# Jobs the workers queue by themselves: name -> (task path, every N seconds).
PERIODIC_JOBS: dict[str, tuple[str, int]] = {
    # Every Spark run sparkhub starts writes here; log analytics picks the logs up by itself.
    "watch-eventlogs": (
        "loganalytics.tasks.watch_eventlog_dir",
        env.int("EVENTLOG_WATCH_SECONDS", 30, minimum=5),
    ),
}

# --- Files ----------------------------------------------------------------------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it

S3_BUCKET = env.str("S3_BUCKET")
STORAGE_BACKEND = env.choice("STORAGE_BACKEND", ("local", "s3"), "s3" if S3_BUCKET else "local")
if STORAGE_BACKEND == "s3":
    if not S3_BUCKET:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET")
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "region_name": env.str("AWS_REGION") or None,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,
            "default_acl": None,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MAX_UPLOAD_SIZE_MB = env.int("MAX_UPLOAD_SIZE_MB", 100, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Spark ----------------------------------------------------------------------------------
try:
    SPARK = SparkSettings.from_env()
except SparkSettingsError as error:
    raise ImproperlyConfigured(str(error)) from None
SPARK_EVENTLOG_DIR = SPARK.eventlog_dir
DATA_ROOT = Path(env.str("DATA_ROOT") or VAR_DIR / "lake")
# Pipelines read ${?DATA_ROOT} from the environment: give them sparkhub's default too.
os.environ.setdefault("DATA_ROOT", str(DATA_ROOT))

# --- Gemini ---------------------------------------------------------------------------------
GEMINI_API_KEY = env.str("GEMINI_API_KEY")
GEMINI_MODEL = env.str("GEMINI_MODEL", "gemini-2.5-flash") or "gemini-2.5-flash"
# Another endpoint speaking the Gemini REST API (a proxy, or a local stand-in in tests).
GEMINI_BASE_URL = env.str("GEMINI_BASE_URL")
GEMINI_TIMEOUT_SECONDS = env.int("GEMINI_TIMEOUT_SECONDS", 60, minimum=1)
GEMINI_MAX_CONCURRENT = env.int("GEMINI_MAX_CONCURRENT", 4, minimum=1)

# --- Explainer ------------------------------------------------------------------------------
EXPLAINER_DISABLED_RULES = frozenset(rule.upper() for rule in env.list("EXPLAINER_DISABLED_RULES"))

# --- Databricks -----------------------------------------------------------------------------
DATABRICKS_HOST = env.str("DATABRICKS_HOST")
DATABRICKS_TOKEN = env.str("DATABRICKS_TOKEN")
if DATABRICKS_HOST and not DATABRICKS_HOST.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"DATABRICKS_HOST must be a URL, got {DATABRICKS_HOST!r}")
# mlbench jobs with target "databricks": a new cluster per worker count (spark version and node
# type), or one existing cluster; uploads go to a DBFS folder or a Unity Catalog volume.
DATABRICKS_CLUSTER_ID = env.str("DATABRICKS_CLUSTER_ID")
DATABRICKS_SPARK_VERSION = env.str("DATABRICKS_SPARK_VERSION")
DATABRICKS_NODE_TYPE_ID = env.str("DATABRICKS_NODE_TYPE_ID")
DATABRICKS_UPLOAD_DIR = env.str("DATABRICKS_UPLOAD_DIR", "dbfs:/sparkhub/mlbench").rstrip("/")
if not DATABRICKS_UPLOAD_DIR.startswith(("dbfs:/", "/Volumes/")):
    raise ImproperlyConfigured(
        f"DATABRICKS_UPLOAD_DIR must start with dbfs:/ or /Volumes/, got {DATABRICKS_UPLOAD_DIR!r}"
    )
try:
    DATABRICKS_POLL_SECONDS = float(env.str("DATABRICKS_POLL_SECONDS") or 10)
except ValueError:
    DATABRICKS_POLL_SECONDS = 0.0
if not DATABRICKS_POLL_SECONDS > 0:
    raise ImproperlyConfigured("DATABRICKS_POLL_SECONDS must be a number of seconds above 0.")

# --- Time -----------------------------------------------------------------------------------
# UTC everywhere: RQ cron strings are read in local time, and Spark sessions run in UTC too.
TIME_ZONE = env.str("TIME_ZONE", "UTC") or "UTC"
if TIME_ZONE != "UTC":
    raise ImproperlyConfigured(f"TIME_ZONE must be UTC (schedules rely on it), got {TIME_ZONE!r}")
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = False

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "sparkhub.authentication.CachedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.rate("API_USER_RATE", "100000/hour"),
        "anon": env.rate("API_ANON_RATE", "60/hour"),
        "explain": env.rate("EXPLAIN_RATE", "60/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sparkhub API",
    "DESCRIPTION": "Explain PySpark code, analyse Spark event logs, benchmark ML, run pipelines.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RunStatusEnum": "sparkhub.runs.RunStatus",
        "ExplainStatusEnum": ["pending", "finished", "failed"],
    },
}

# --- Operations -----------------------------------------------------------------------------
METRICS_TOKEN = env.str("METRICS_TOKEN")
LOG_FORMAT = env.choice("LOG_FORMAT", ("text", "json"), "text")
LOG_LEVEL = env.choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "sparkhub.observability.ContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
        "json": {"()": "sparkhub.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "py4j": {"level": "WARNING"},
    },
}

ADMINS_SITE_HEADER = "sparkhub admin"
