"""claimdesk settings, read from the environment (see README, "Configuration").

DEBUG is on unless the environment turns it off, so a checkout works as it
is; development defaults apply only then. With DEBUG=0 (production, `make
serve`) every secret must come from the environment.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.admin.ClaimdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "claims",
    "review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses sign-ins for a locked-out username and address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES; every failure is logged
# (logger "axes") and kept in the admin (Axes: access attempts and failures).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "config.urls"

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

WSGI_APPLICATION = "config.wsgi.application"

# The embedded default is a SQLite file beside manage.py; DATABASE_URL
# (postgres://user@host:5432/name) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The API's few constant hot-path statements are prepared once per connection
    # (review.api.statements); Django's own queries never are. Set DB_PREPARED_STATEMENTS=0
    # behind a pooler in transaction mode that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("DB_PREPARED_STATEMENTS", default=True) else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Production hardening: on unless DEBUG, each switchable for a proxy setup.
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto on every request
# and strips any value a client sent, TRUST_X_FORWARDED_PROTO=1 lets Django
# see those requests as HTTPS. Off by default: without such a proxy, any
# client could claim HTTPS by sending the header itself.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP

# The cache holds the API's throttle counters (review.api.throttles) and the
# workspace dashboard's figures. Web processes must share it, or each one gives
# a token a budget of its own: CACHE_URL (redis://host:6379/1, a database of
# its own beside the broker's) selects Redis. Unset, every process has its own
# memory cache, which is enough for one process (runserver, the embedded default).
# Short timeouts: a cache that stops answering costs a request about a second
# (the throttle then lets requests through, logging a warning).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# The API (/api/v1/, review.api): knox tokens for clients, the session for the
# browsable API; every view needs a signed-in user unless it says otherwise
# (the schema and its docs). Requests are throttled per token (per user for
# sessions): CLAIMDESK_API_RATE, e.g. "600/minute".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "review.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["review.api.throttles.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("CLAIMDESK_API_RATE") or "600/minute"},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "review.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API tokens (django-rest-knox): stored as SHA-512 digests, shown once when made
# (`manage.py api_token USER`), revoked by deleting them in the admin. They do
# not expire unless made with --days.
REST_KNOX = {"TOKEN_TTL": None, "AUTO_REFRESH": False}
# Webhooks (review.api.webhooks): attempts per delivery, the first wait between
# them (doubled after each), and failed attempts in a row that disable an endpoint.
CLAIMDESK_WEBHOOK_MAX_ATTEMPTS = env_int("CLAIMDESK_WEBHOOK_MAX_ATTEMPTS", 6)
CLAIMDESK_WEBHOOK_BACKOFF_SECONDS = env_int("CLAIMDESK_WEBHOOK_BACKOFF_SECONDS", 30)
CLAIMDESK_WEBHOOK_DISABLE_AFTER = env_int("CLAIMDESK_WEBHOOK_DISABLE_AFTER", 15)
CLAIMDESK_WEBHOOK_TIMEOUT_SECONDS = env_int("CLAIMDESK_WEBHOOK_TIMEOUT_SECONDS", 10)
SPECTACULAR_SETTINGS = {
    "TITLE": "claimdesk API",
    "DESCRIPTION": "Claims extracted from conflict reporting, their evidence, verdicts and audit trail. "
    "See the README's API section for authentication, incremental sync and webhooks.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "VerdictDecisionEnum": "claims.enums.Verdict",
        "WebhookEventEnum": "review.models.WebhookEndpoint.Event",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "review.api.schema.add_webhooks"],
}

# Celery. Without a broker, tasks run in-process (eager) so the embedded
# default needs no Redis; with CELERY_BROKER_URL they go to real workers.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
# A task run in-process still has its arguments serialized through a producer;
# the in-memory transport serves it, where Celery's default would look for
# AMQP on localhost and warn about it. Workers and beat refuse to start on it
# (config/celery.py).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has finished, so a worker that dies
# mid-task leaves the message to be delivered again; every task is idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection around every task
# unless this is set, and a new PostgreSQL backend per task costs more CPU
# than storing a document's claims. Workers keep their connection for this
# many tasks; in between it is treated as between two requests (CONN_MAX_AGE,
# health checks: config/celery.py).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Time limits (docs/reliability.md): at the soft limit a task is stopped and
# its document failed with that reason; the hard limit, a minute later, ends
# the pool process should the task not stop. The broker gives an unacknowledged
# message to another worker only after the visibility timeout, which must be
# longer than the hard limit plus the longest retry delay (config/celery.py
# refuses to start otherwise), so a task still running is never delivered twice.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CLAIMDESK_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Unacknowledged messages of a killed worker return to the queue after this;
    # recovery does not wait for it (the documents' leases, claims/leases.py).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
    # How often workers look for such messages: every interval x throttle seconds.
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    "socket_connect_timeout": 2,
}
# Publishing fails fast when the broker is down; the sweep re-queues later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# The test suite gives each run a queue of its own (tests/conftest.py).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE") or "celery"

# claimdesk
CLAIMDESK_REGISTRY_PATH = Path(env_str("CLAIMDESK_REGISTRY_PATH") or BASE_DIR / "claims/fixtures/actors.json")
CLAIMDESK_MAX_DOCUMENT_BYTES = env_int("CLAIMDESK_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024)
# A document pasted into the admin's form is refused by the size limit above, with
# a message, rather than by Django's request limit with a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = CLAIMDESK_MAX_DOCUMENT_BYTES + 64 * 1024
CLAIMDESK_PRETAG_BATCH_SIZE = env_int("CLAIMDESK_PRETAG_BATCH_SIZE", 500)
# Documents queued this long ago and still pending are sent again (a lost message).
CLAIMDESK_STUCK_AFTER_SECONDS = env_int("CLAIMDESK_STUCK_AFTER_SECONDS", 600)
# A worker extracting a document holds a lease on it for this long, renewed every
# third of it; a document whose lease ran out is taken over (claims/leases.py).
CLAIMDESK_LEASE_SECONDS = env_int("CLAIMDESK_LEASE_SECONDS", 15)
# Every worker queues the sweep at start-up and this often (config/celery.py); no beat needed.
CLAIMDESK_SWEEP_INTERVAL = env_int("CLAIMDESK_SWEEP_INTERVAL", 10)
# The sweep sends documents only while the queue holds fewer messages than this.
CLAIMDESK_SWEEP_QUEUE_LIMIT = env_int("CLAIMDESK_SWEEP_QUEUE_LIMIT", 100)
# Where this installation is reached: absolute links to claims (evidence, exports).
CLAIMDESK_SITE_URL = env_str("CLAIMDESK_SITE_URL") or "http://127.0.0.1:8000"

# Exported datasets (review.Dataset files) are kept under MEDIA_ROOT. They are
# never served as static files: only the authenticated download views hand them out.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# The organisation that publishes exported datasets: the author of every ClaimReview.
CLAIMDESK_PUBLISHER_NAME = env_str("CLAIMDESK_PUBLISHER_NAME") or "claimdesk"
CLAIMDESK_PUBLISHER_URL = env_str("CLAIMDESK_PUBLISHER_URL") or CLAIMDESK_SITE_URL
# Exports of more claims than this run as a background task instead of downloading directly.
CLAIMDESK_EXPORT_ASYNC_ROWS = env_int("CLAIMDESK_EXPORT_ASYNC_ROWS", 20_000)
# Claims read per query while exporting (with their evidence, verdicts and audit heads).
CLAIMDESK_EXPORT_CHUNK_SIZE = env_int("CLAIMDESK_EXPORT_CHUNK_SIZE", 2000)
# Claims per COPY when PostgreSQL writes a CSV export itself (review.exports.copy).
CLAIMDESK_EXPORT_COPY_CHUNK_SIZE = env_int("CLAIMDESK_EXPORT_COPY_CHUNK_SIZE", 250_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Its start-up banner is not news on every command.
        "axes.apps": {"level": "WARNING"},
        # One line per task run is the workers' business, not the console's.
        "celery.app.trace": {"level": env_str("CELERY_TRACE_LOG_LEVEL", "WARNING")},
    },
}
