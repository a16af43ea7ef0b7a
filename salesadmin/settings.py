"""Settings for salesadmin, driven by the environment.

With no environment at all the project runs for a developer: embedded
PostgreSQL, Celery tasks in-process, console email, DEBUG on. Production sets
DJANGO_ENV=production (or DEBUG=0) and must then supply SECRET_KEY, DATABASE_URL
and ALLOWED_HOSTS: production secrets have no defaults.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from salesadmin.env import env, env_bool, env_list
from salesadmin.log_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", True)
TESTING = "pytest" in sys.modules

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
else:
    from salesadmin.security.secret_key import check_secret_key

    # Refuses a missing, short or known default key: production does not start.
    SECRET_KEY = check_secret_key(env("SECRET_KEY"))
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "salesadmin",
    "salesadmin.idempotency",
    "notices",
    "approvals",
    "customers",
    "inventory",
    "orders",
    "finance",
    "returns",
    "outbound",
    "reports",
    "sales",
    "contracts",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Resilience (issue 18): database faults as 503 with a code, report
    # timeouts, and safe retries; the last one wraps the view in its transaction.
    "salesadmin.middleware.db_faults.DatabaseFaultMiddleware",
    "salesadmin.middleware.timeouts.ReportTimeoutsMiddleware",
    "salesadmin.idempotency.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "salesadmin.urls"
WSGI_APPLICATION = "salesadmin.wsgi.application"
ASGI_APPLICATION = "salesadmin.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "notices.context_processors.unread_notices",
            ],
        },
    },
]

# --- Database: PostgreSQL everywhere --------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL is None:
    if not DEBUG:
        raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off.")
    from salesadmin.embedded_pg import embedded_database_url

    DATABASE_URL = embedded_database_url(BASE_DIR)
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        "salesadmin runs on PostgreSQL only; DATABASE_URL must be postgres://"
    )
DATABASES = {
    # Persistent connections without a health-check query per request (that
    # SELECT 1 was one round trip in every request; a dead connection is still
    # replaced, on the next request after the error).
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=False)
}
# Server-side binding lets psycopg prepare statements a connection runs often
# (from the 5th run): PostgreSQL then skips planning them, which for the
# detail queries with many joins costs more than executing them (3 ms vs
# 0.4 ms measured). DB_PREPARED_STATEMENTS=0 turns it off (e.g. behind a
# transaction-pooling PgBouncer, which cannot keep prepared statements).
if env_bool("DB_PREPARED_STATEMENTS", True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
# Bounded waits (salesadmin/db_timeouts.py): no request waits on a row lock
# longer than DB_LOCK_TIMEOUT or runs a statement longer than
# DB_STATEMENT_TIMEOUT; it answers 503 "busy" instead. Reports and jobs
# (Celery, management commands) get their own, longer values.
DB_TIMEOUTS = {
    "web": (env("DB_LOCK_TIMEOUT", "3s"), env("DB_STATEMENT_TIMEOUT", "15s")),
    "report": (env("DB_LOCK_TIMEOUT", "3s"), env("DB_REPORT_STATEMENT_TIMEOUT", "25s")),
    "job": (env("DB_JOB_LOCK_TIMEOUT", "30s"), env("DB_JOB_STATEMENT_TIMEOUT", "30min")),
}
DB_REPORT_PATHS = ("/reports/", "/api/v1/reports/", "/finance/aging/", "/api/v1/aging/")
# Retry-After (seconds) of a 503: a lock timeout, and the database unreachable.
DB_BUSY_RETRY_AFTER = int(env("DB_BUSY_RETRY_AFTER", "2"))
DB_DOWN_RETRY_AFTER = int(env("DB_DOWN_RETRY_AFTER", "5"))
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = " ".join(
    filter(
        None,
        [
            _db_options.get("options", ""),
            f"-c lock_timeout={DB_TIMEOUTS['web'][0]}",
            f"-c statement_timeout={DB_TIMEOUTS['web'][1]}",
        ],
    )
)
# Two test runs at once on one server (two developers, or a developer and an
# editor's test runner) need their own test database names.
if env("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Operations: connections, pooler, read replica (README, Operations) ----
# The development server runs every request in a thread of its own, and a
# persistent connection belongs to its thread: under runserver each one piled
# up until the server refused more. There, every request closes its connection.
if sys.argv[1:2] == ["runserver"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Behind PgBouncer in transaction mode a server connection changes hands after
# every transaction: no prepared statements, no server-side (named) cursors.
DB_POOLER = env("DB_POOLER", "session")
if DB_POOLER == "transaction":
    for option in ("server_side_binding", "prepare_threshold"):
        DATABASES["default"].get("OPTIONS", {}).pop(option, None)
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # PgBouncer refuses the `options` startup parameter, and a session SET would
    # follow the server connection to another client: the bounded waits are set
    # on the database role instead (README, Operations: PgBouncer).
    DATABASES["default"]["OPTIONS"].pop("options", None)
# Reports and dashboards may read from a streaming replica
# (salesadmin/db_router.py says which requests, and why nothing else does).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
REPLICA_READ_PATHS = env_list("REPLICA_READ_PATHS", "/reports/,/api/v1/reports/")
REPLICA_MAX_LAG_SECONDS = float(env("REPLICA_MAX_LAG_SECONDS", "30"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "DISABLE_SERVER_SIDE_CURSORS": DATABASES["default"].get(
            "DISABLE_SERVER_SIDE_CURSORS", False
        ),
        # Tests see the replica as the test database itself.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["salesadmin.db_router.ReplicaRouter"]
    MIDDLEWARE.append("salesadmin.db_router.ReplicaReadsMiddleware")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id at a cost chosen for this hardware (salesadmin/security/hashers.py);
# older PBKDF2 hashes still verify and are re-hashed at the next login.
PASSWORD_HASHERS = [
    "salesadmin.security.hashers.CompanyArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD_ARGON2_MEMORY_KIB = int(env("PASSWORD_ARGON2_MEMORY_KIB", "19456"))
PASSWORD_ARGON2_TIME_COST = int(env("PASSWORD_ARGON2_TIME_COST", "2"))
if TESTING:
    # Hashing is not what the tests test; the slow default would dominate them.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = ["salesadmin.auth_backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["salesadmin.formats"]
# The company time zone decides "today" for note validity and aging.
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # STATIC_COMPRESS=0: hashed names without the gzip/brotli copies, which
            # take collectstatic minutes of CPU (CI's HTTP chain; the image keeps them).
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_COMPRESS", True)
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------------------------------------------------------------
EMAIL_URL = env("EMAIL_HOST")
if EMAIL_URL:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_URL
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# An SMTP server that hangs must not hold a sender past OUTBOX_SENDING_TIMEOUT.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "salesadmin@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis broker; no REDIS_URL means tasks run in-process --------
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Tests run tasks eagerly; the one test that proves a real worker says so itself.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request never hangs because Redis is down: publishing gives up quickly.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# All schedules live in salesadmin/schedules.py; salesadmin/celery.py gives them to beat.

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with WWW-Authenticate.
        "salesadmin.authentication.TokenWithPermissionsAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["salesadmin.api_permissions.RolePermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "salesadmin.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "salesadmin API",
    "DESCRIPTION": "Sales administration: orders, delivery notes, finance stamp, warehouse, gate.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and ReDoc assets come from drf-spectacular-sidecar: no CDN at runtime.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Idempotency-Key on every write, 503 busy / database_unavailable everywhere.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "salesadmin.idempotency.schema.document_resilience",
        "salesadmin.api_schema.document_errors",
    ],
}
# Safe retries (salesadmin/idempotency): a stored answer is kept at least this long.
IDEMPOTENCY_KEY_TTL = dt.timedelta(hours=int(env("IDEMPOTENCY_KEY_TTL_HOURS", "48")))

# --- Production hardening (passes `manage.py check --deploy`) -------------
# HTTPS=1 (the default): served over TLS (the compose stack's Caddy, or your
# proxy, sets X-Forwarded-Proto): Secure cookies, redirect to https, HSTS.
# HTTPS=0: the documented plain-HTTP mode (a LAN without certificates): cookies
# without Secure, so a browser on http:// keeps its login; check --deploy warns.
HTTPS = env_bool("HTTPS", True)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
    SECURE_HSTS_PRELOAD = HTTPS
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS
    # /healthz and /readyz answer the container's own probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# --- Security: sign-in lockout, throttles, browser policy, sessions (issue 13) ----
INSTALLED_APPS += [
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "salesadmin.security",
]
# Outermost of ours first: the CSP header is added to every answer below it,
# including the NUL refusals; axes turns a lockout into its answer, so it is last.
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "salesadmin.security.middleware.RefuseNulBytesMiddleware",
    "salesadmin.security.middleware.SessionIdleTimeoutMiddleware",
    "axes.middleware.AxesMiddleware",
]
# axes first: it refuses a locked-out username or address before any password check.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]

# Lockout (django-axes): failures counted by username and by client address
# separately; either reaching the limit locks. The wait grows (lockout.cool_off).
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
LOGIN_COOLOFF_SECONDS = int(env("LOGIN_COOLOFF_SECONDS", "900"))  # first lockout: 15 min
LOGIN_COOLOFF_MAX_SECONDS = int(env("LOGIN_COOLOFF_MAX_SECONDS", "86400"))  # at most a day
AXES_COOLOFF_TIME = "salesadmin.security.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each attempt expires on its own; see lockout.py
AXES_LOCKOUT_CALLABLE = "salesadmin.security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "salesadmin.security.client.client_ip"
AXES_RESET_ON_SUCCESS = False  # one right guess from a shared address must not clear the count
AXES_DISABLE_ACCESS_LOG = True  # our own append-only LoginEvent log records sign-ins
AXES_VERBOSE = False
# Our reverse proxies (addresses or networks): only their X-Forwarded-For is believed.
# Empty: the client is REMOTE_ADDR.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# DRF throttles (rates read on use, salesadmin/security/throttling.py); 429 + Retry-After.
# Lists page at most Pagination.max_limit rows (?limit=100000000 returned whole tables).
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "salesadmin.api.Pagination"
# JSON that PostgreSQL cannot store (NUL, lone surrogates) is a 400 on every endpoint.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "salesadmin.security.parsers.JSONInputParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
# OPTIONS answers views without a serializer_class too (it was a 500).
REST_FRAMEWORK["DEFAULT_METADATA_CLASS"] = "salesadmin.security.metadata.Metadata"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "salesadmin.security.throttling.AnonThrottle",
    "salesadmin.security.throttling.UserThrottle",
]
API_THROTTLE_RATES = {
    "anon": env("API_THROTTLE_ANON", "60/min"),
    "user": env("API_THROTTLE_USER", "3000/min"),
    "auth_token": env("API_THROTTLE_AUTH_TOKEN", "10/min"),
}
if TESTING:
    # The test process shares one address and cache; the throttle tests set their own.
    API_THROTTLE_RATES = {"anon": None, "user": None, "auth_token": None}

# Sessions end after this long without a request; the gate's shared phone sooner.
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", str(8 * 3600)))
GATE_SESSION_IDLE_TIMEOUT = int(env("GATE_SESSION_IDLE_TIMEOUT", str(15 * 60)))
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(7 * 24 * 3600)))

# Content-Security-Policy (django-csp 4): scripts only from our own files, no
# inline script or eval; the gate's camera needs blob:/mediastream: for media.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # style="" attributes only (no <style> elements): htmx is told not to add its own.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:", "mediastream:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Backups (manage.py backup / restore; README, Operations) -------------
BACKUP_DIR = env("BACKUP_DIR", str(BASE_DIR / "var" / "backups"))
BACKUP_KEEP = int(env("BACKUP_KEEP", "14"))

# --- Observability: logs and metrics (README, Operations) -----------------
LOG_FORMAT = env("LOG_FORMAT", "text")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env("LOG_LEVEL", "INFO"))
# The request middleware comes first: it times and counts everything below it.
MIDDLEWARE.insert(0, "salesadmin.observability.RequestObservabilityMiddleware")
# /metrics answers loopback clients, and others that send
# "Authorization: Bearer <METRICS_TOKEN>" when that is set.
METRICS_TOKEN = env("METRICS_TOKEN")

# --- Business configuration: salesadmin/business_settings.py ----------------
from salesadmin.business_settings import *  # noqa: E402, F403
