"""Settings for the relief logistics tracker, all read from the environment.

The embedded default (nothing set) is SQLite in ./db.sqlite3, Celery tasks run in-process,
DEBUG on. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL=postgres://…
and CELERY_BROKER_URL=redis://… . See README.md, "Configuration".
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_crontab,
    env_database,
    env_int,
    env_list,
    env_positive_int,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a real secret when DEBUG is off")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "import_export",
    "accounts",
    "inventory",
    "supply_requests.apps.SupplyRequestsConfig",
    "logistics",
    "dashboards",
    "imports",
    "notifications",
    "public",  # issue 21: public accountability
    "households",
    "demo",
]

MIDDLEWARE = [
    # Issue 22: pages go compressed to phones on crowded networks (a request form is 21 KB
    # raw, 4 KB gzipped). Django pads each gzip stream with random bytes against BREACH, and
    # CSRF tokens are masked per response. WhiteNoise sends static files precompressed.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RefuseControlCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.RememberLanguageMiddleware",
    # Without a broker (embedded default) the alert checks run from page requests; with
    # beat it steps aside.
    "notifications.inprocess.InProcessChecksMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "supply_requests.context_processors.roles",
                "accounts.page_once.once_context",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# PgBouncer in transaction mode hands each transaction a different server connection, so a
# server-side cursor (`.iterator()`) opened in one is gone in the next: this switch makes
# Django read such querysets client-side instead (docs/deploy.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DISABLE_SERVER_SIDE_CURSORS", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Sign-in: django-axes counts failures (in the database, or the cache with
# AXES_HANDLER=axes.handlers.cache.AxesCacheHandler) and locks a username from an address
# out after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_HANDLER = env_str("AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler")
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Axes prints a banner at every start (each manage.py command, each worker); the logs say enough.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
# Password-reset mails per address and per e-mail address, per hour (accounts/views.py).
PASSWORD_RESET_RATE_PER_HOUR = env_int("PASSWORD_RESET_RATE_PER_HOUR", 5)


# --- API write throttles (accounts/api_support.py), "count/s|m|h|d"; "off" turns one off.
def _rate(name: str, default: str) -> str:
    value = env_str(name, default)
    return "" if value == "off" else value


API_WRITE_RATE_PER_TOKEN = _rate("API_WRITE_RATE_PER_TOKEN", "120/m")
API_WRITE_RATE_PER_ADDRESS = _rate("API_WRITE_RATE_PER_ADDRESS", "600/m")

# --- Cache: throttle and lockout counts. LocMem (one process) by default; CACHE_URL=
# redis://host:6379/N in production so every app server shares the counts.
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_URL must be locmem:// or redis://host:port/db")

# Public accountability pages and API (issue 21): each page and filter is cached this long
# (at most a minute: "updated within a minute"); the public API's read rate per address;
# offers from the public per address.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)
if not 0 <= PUBLIC_CACHE_SECONDS <= 60:
    raise ImproperlyConfigured("PUBLIC_CACHE_SECONDS must be between 0 and 60")
PUBLIC_API_RATE = _rate("PUBLIC_API_RATE", "600/m")
PUBLIC_OFFER_RATE = _rate("PUBLIC_OFFER_RATE", "5/h")

# Behind a TLS-terminating proxy (nginx → gunicorn): its X-Forwarded-Proto and the last
# X-Forwarded-For hop are trusted; otherwise neither header means anything
# (deploy/gunicorn.conf.py follows the same variable).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
NINJA_NUM_PROXIES = 1 if BEHIND_TLS_PROXY else 0

# Personal API tokens expire this many days after they are made.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 90)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first: the people who use this work in Chinese; English ships alongside.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (issue 22: the browser test of page weights collects into a
# scratch folder and serves it as production does).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.min.js straight from the installed plotly package: no CDN, no copy in the repo.
    "dashboards.staticfiles.PlotlyFinder",
]
# Serve files straight from the app folders in development and tests; production serves the
# collected, hashed files (`collectstatic`, which `make run` also runs).
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # --- Issue 22: delivery photos, kept out of any public URL (logistics.models).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))},
    },
}
# Largest delivery photo accepted (bytes): the phone resizes it to ~1280 px before sending.
RECEIPT_PHOTO_MAX_BYTES = env_int("RECEIPT_PHOTO_MAX_BYTES", 2 * 1024 * 1024)

# --- Celery: no broker configured means tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Embedded default (no broker): each alert check runs from a page request at most every this
# many minutes (0: never in-process). Ignored with a broker: beat runs them.
INPROCESS_CHECKS_MINUTES = env_int("INPROCESS_CHECKS_MINUTES", 5)
# Without a broker (no beat), page requests run these beat tasks in-process when due
# (notifications/inprocess.py): claim name -> (task name, at least every N minutes).
INPROCESS_CHECKS = {
    "low_stock": ("notifications.tasks.check_low_stock", 0),
    "near_expiry": ("notifications.tasks.check_near_expiry", 60),
    "overdue_shipments": ("logistics.tasks.check_overdue_shipments", 0),
    "waiting_requests": ("supply_requests.tasks.check_waiting_requests", 0),
    "pending_emails": ("notifications.tasks.send_pending_emails", 0),
    "import_sweep": ("imports.tasks.sweep_import_jobs", 5),
    # Issue 19: housekeeping (below), daily.
    "purge_sessions": ("accounts.tasks.purge_expired_sessions", 24 * 60),
    "purge_idempotency": ("accounts.tasks.purge_idempotency_records", 24 * 60),
    # Issue 20: personal data of households past isolation + the retention period, erased.
    "household_erasure": ("households.tasks.erase_expired_households", 60),
}

# --- Background checks and alerts: the beat schedule, every time a cron expression from a
# SCHEDULE_* variable in CELERY_TIMEZONE. A run not started within its `expires` seconds is
# dropped: the next one does the same work, and a worker back after an outage should not chew
# through a pile of stale runs.
_HOUR = 60 * 60
CELERY_BEAT_SCHEDULE = {
    "notifications-low-stock": {
        "task": "notifications.tasks.check_low_stock",
        "schedule": env_crontab("SCHEDULE_LOW_STOCK", "*/15 * * * *"),
        "options": {"expires": _HOUR},
    },
    "notifications-near-expiry": {
        "task": "notifications.tasks.check_near_expiry",
        "schedule": env_crontab("SCHEDULE_NEAR_EXPIRY", "0 7 * * *"),
        "options": {"expires": 12 * _HOUR},
    },
    "logistics-overdue-shipments": {
        "task": "logistics.tasks.check_overdue_shipments",
        "schedule": env_crontab("SCHEDULE_OVERDUE_SHIPMENTS", "*/15 * * * *"),
        "options": {"expires": _HOUR},
    },
    "requests-waiting-requests": {
        "task": "supply_requests.tasks.check_waiting_requests",
        "schedule": env_crontab("SCHEDULE_WAITING_REQUESTS", "*/15 * * * *"),
        "options": {"expires": _HOUR},
    },
    "notifications-pending-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": env_crontab("SCHEDULE_PENDING_EMAILS", "*/10 * * * *"),
        "options": {"expires": _HOUR},
    },
    # Sent with no argument: the task's own default decides which day is rolled up.
    "dashboards-daily-rollups": {
        "task": "dashboards.tasks.rebuild_daily_rollups",
        "schedule": env_crontab("SCHEDULE_DAILY_ROLLUPS", "30 0 * * *"),
        "options": {"expires": 12 * _HOUR},
    },
    "imports-sweep-stuck-jobs": {
        "task": "imports.tasks.sweep_import_jobs",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Issue 20: the households register's retention (households/services/erasure.py).
    "households-erase-expired": {
        "task": "households.tasks.erase_expired_households",
        "schedule": env_crontab("SCHEDULE_HOUSEHOLD_ERASURE", "15 3 * * *"),
        "options": {"expires": 12 * _HOUR},
    },
}

# --- Issue 19: housekeeping. Expired sessions and idempotency records past their window are
# deleted on SCHEDULE_PURGE; the files of finished imports past IMPORTS_FILE_RETENTION_DAYS are
# already dropped by the import sweep above. `manage.py purge_expired` runs all three now.
# A retry carrying an Idempotency-Key is replayed for at least this many hours.
IDEMPOTENCY_WINDOW_HOURS = env_positive_int("IDEMPOTENCY_WINDOW_HOURS", 24)
_PURGE_SCHEDULE = env_crontab("SCHEDULE_PURGE", "15 3 * * *")
CELERY_BEAT_SCHEDULE["accounts-purge-sessions"] = {
    "task": "accounts.tasks.purge_expired_sessions",
    "schedule": _PURGE_SCHEDULE,
    "options": {"expires": 12 * _HOUR},
}
CELERY_BEAT_SCHEDULE["accounts-purge-idempotency-records"] = {
    "task": "accounts.tasks.purge_idempotency_records",
    "schedule": _PURGE_SCHEDULE,
    "options": {"expires": 12 * _HOUR},
}
# What `manage.py purge_expired` runs, by task name (it lives in accounts, below imports).
PURGE_TASKS = {
    "sessions": "accounts.tasks.purge_expired_sessions",
    "idempotency_records": "accounts.tasks.purge_idempotency_records",
    "import_files": "imports.tasks.purge_import_files",
}

# --- Imports: every upload is inspected before it is read (imports/upload_limits.py) and
# read outside the web request: by Celery when a broker is configured, else by a bounded
# child process per job ("subprocess"). "inline" (tests only) runs in the caller.
IMPORTS_WORKER = env_str("IMPORTS_WORKER", "subprocess" if CELERY_TASK_ALWAYS_EAGER else "celery")
if IMPORTS_WORKER not in ("celery", "subprocess", "inline"):
    raise ImproperlyConfigured("IMPORTS_WORKER must be celery, subprocess or inline")
IMPORTS_MAX_FILE_BYTES = env_int("IMPORTS_MAX_FILE_BYTES", 50 * 1024 * 1024)
IMPORTS_TIME_LIMIT_SECONDS = env_int("IMPORTS_TIME_LIMIT_SECONDS", 15 * 60)
IMPORTS_WORKER_MEMORY_MB = env_int("IMPORTS_WORKER_MEMORY_MB", 2048)
# A job still checking/importing this long after its step started is stuck: swept.
IMPORTS_STUCK_AFTER_SECONDS = env_int("IMPORTS_STUCK_AFTER_SECONDS", 2 * 15 * 60 + 120)
# Hard address-space cap of each Celery pool process (0: none).
CELERY_WORKER_MEMORY_CAP_MB = env_int("CELERY_WORKER_MEMORY_CAP_MB", 3072)
# Restart a pool process after a task that left it above this (KiB): no slow creep.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_000_000)

# A task held by a worker that died outright (not just its pool process) is redelivered after
# this many seconds; it must exceed the longest task (imports).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}

# The alert thresholds (read by notifications.conf).
NOTIFICATIONS_EXPIRY_WINDOW_DAYS = env_positive_int("NOTIFICATIONS_EXPIRY_WINDOW_DAYS", 30)
NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS = env_positive_int("NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS", 48)
NOTIFICATIONS_REQUEST_WAITING_HOURS = env_positive_int("NOTIFICATIONS_REQUEST_WAITING_HOURS", 48)
NOTIFICATIONS_EMAIL = env_bool("NOTIFICATIONS_EMAIL", True)
NOTIFICATIONS_EMAIL_GIVE_UP_HOURS = env_positive_int("NOTIFICATIONS_EMAIL_GIVE_UP_HOURS", 24)
NOTIFICATIONS_EMAIL_CLAIM_MINUTES = env_positive_int("NOTIFICATIONS_EMAIL_CLAIM_MINUTES", 10)
# E-mails go out in the site's language (users have no language of their own yet).
NOTIFICATIONS_EMAIL_LANGUAGE = env_str("NOTIFICATIONS_EMAIL_LANGUAGE", LANGUAGE_CODE)
# Where the tracker is served, for absolute links in e-mails.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")
# Uploaded sheets of finished imports are dropped after this many days (the report stays).
IMPORTS_FILE_RETENTION_DAYS = env_int("IMPORTS_FILE_RETENTION_DAYS", 30)

# --- Households (issue 20): personal fields are encrypted at rest with Fernet keys (the
# first encrypts, every key decrypts: rotate by putting a new key first, then run
# `manage.py households_rotate_keys`, then drop the old key); the de-duplication hashes are
# HMAC-SHA256 with their own key. Dev/test defaults only while DEBUG is on.
_DEV_HOUSEHOLD_KEY = "ZGV2LW9ubHktaG91c2Vob2xkLWtleS1ub3Qtc2FmZSE="
_DEV_HOUSEHOLD_HASH_KEY = "dev-only-household-hash-key"
HOUSEHOLDS_ENCRYPTION_KEYS = env_list(
    "HOUSEHOLDS_ENCRYPTION_KEYS", [_DEV_HOUSEHOLD_KEY] if DEBUG else []
)
HOUSEHOLDS_HASH_KEY = env_str("HOUSEHOLDS_HASH_KEY", _DEV_HOUSEHOLD_HASH_KEY if DEBUG else None)
if not DEBUG and (
    _DEV_HOUSEHOLD_KEY in HOUSEHOLDS_ENCRYPTION_KEYS
    or HOUSEHOLDS_HASH_KEY == _DEV_HOUSEHOLD_HASH_KEY
):
    raise ImproperlyConfigured("HOUSEHOLDS_ENCRYPTION_KEYS and HOUSEHOLDS_HASH_KEY must be real")
if not HOUSEHOLDS_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("HOUSEHOLDS_ENCRYPTION_KEYS must be set when DEBUG is off")
# Personal fields are erased this many days after a household's isolation ended.
HOUSEHOLDS_ERASE_AFTER_DAYS = env_positive_int("HOUSEHOLDS_ERASE_AFTER_DAYS", 90)

# --- E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "relief-logistics@localhost")

# --- Production hardening: on whenever DEBUG is off, so `check --deploy` is clean.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Response headers (core/middleware.py). Scripts only from our own static files: no
# page has an inline script or handler. Styles may be inline: Plotly writes its own.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
PERMISSIONS_POLICY = env_str(
    "PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Dashboard figures (issue 19): each figure's JSON is kept in the cache (CACHE_URL, shared
# by every app server) per reader, figure and filters for the pages' refresh interval, so
# open dashboards refetching every minute cost one build per reader and minute. 0 turns it off.
DASHBOARD_FIGURE_CACHE_SECONDS = env_int("DASHBOARD_FIGURE_CACHE_SECONDS", 60)
