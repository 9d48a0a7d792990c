"""kokona's one settings file. Everything that differs between machines comes from the environment.

DEBUG is off unless set; with DEBUG off the site is hardened (HTTPS only, HSTS, `__Host-` cookies)
and SECRET_KEY must be given.
"""

from datetime import timedelta
from pathlib import Path

import environ
import pghistory
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer may keep local settings in .env; production passes real environment variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-debug")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address printed in the cards' QR codes (e.g. https://kokona.example.jp); blank: the host
# the card sheet was opened on.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")

INSTALLED_APPS = [
    "kokona.apps.KokonaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "pgtrigger",
    "pghistory",
    "django_htmx",
    "django_tasks_db",
    "import_export",
    "kokona",
    "consultations",
    "supplies",
    "ibasho",
    "reports",
]

MIDDLEWARE = [
    "kokona.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a body, CsrfViewMiddleware included: refuses it by Content-Length.
    "kokona.request_size.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kokona.middleware.DeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kokona.middleware.SessionLifetimeMiddleware",
    "kokona.middleware.TwoFactorMiddleware",
    "kokona.middleware.PasswordChangeRequiredMiddleware",
    # After the CSRF check (its process_view) and the sign-in checks: keeps a form posted after
    # the idle timeout, and puts it back once the same person signs in again.
    "kokona.drafts.DraftMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kokona.middleware.HistoryContextMiddleware",
    "kokona.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kokona.urls"
WSGI_APPLICATION = "kokona.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kokona.context_processors.navigation",
                "kokona.context_processors.session_timeout",
            ],
        },
    }
]

FORM_RENDERER = "kokona.forms.FormRenderer"

# Two roles (kokona/db_roles.py): the app connects as DATABASE_URL's login role, which owns nothing
# and cannot change or delete audit and history rows; migrate, flush, createdb and key rotation
# connect as the owner of MIGRATE_DATABASE_URL (its user, password, host and port; the database is
# always DATABASE_URL's). Given DATABASE_URL alone, that one role does both (a single-role install);
# given neither, this machine's PostgreSQL with the roles `make run` uses.
_DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASES = {
    "default": env.db_url_config(_DATABASE_URL or "postgres://kokona_app@127.0.0.1:5432/kokona"),
}
MIGRATE_DATABASE = env.db_url_config(
    env.str(
        "MIGRATE_DATABASE_URL",
        default=_DATABASE_URL or "postgres://postgres@127.0.0.1:5432/kokona",
    )
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation: kokona's queries are short, and on ten years of records the planner's cost
# estimates cross jit_above_cost, so PostgreSQL spent 150-500 ms compiling a query that runs in
# tens (bench/README.md). Set here so that every deployment gets it, whatever its server config.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Client-side cursors only. A form's choices are read with `iterator()`, which otherwise declares
# a server-side cursor: three round trips instead of one for a list of a dozen channels, and
# outside a transaction PostgreSQL copies the rows for WITH HOLD. Nothing kokona reads is large
# enough to need one (key rotation reads in batches).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (applying an import) is queued in PostgreSQL and run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Users, sign-in, second factor
AUTH_USER_MODEL = "kokona.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kokona.backends.RolesBackend",
    # Only for sessions begun before RolesBackend: each names the backend that signed her in.
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    # Length and a blocklist, no composition rules (NIST SP 800-63B, ASVS 6.2).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Lock the pair, not the whole office: counselors share one NAT address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Proxies in front of gunicorn whose X-Forwarded-For entries are trusted (kokona.client_address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "kokona.client_address.client_ip"
# A username attacked from many addresses at once: locked for everyone at this many failures in
# AXES_COOLOFF_TIME, and a supervisor is told (kokona.lockout).
USERNAME_FAILURE_LIMIT = env.int("USERNAME_FAILURE_LIMIT", default=20)
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

OTP_TOTP_ISSUER = "kokona"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions end after 30 idle minutes, at browser close, and at the latest after a working day.
# A session is renewed at most once a minute rather than written on every request
# (kokona.middleware.SessionLifetimeMiddleware), so it is kept the idle time plus that minute from
# its last renewal: never less than 30 minutes after the last request, never more than 31.
# Django's database sessions, read with SQL compiled once per process.
SESSION_ENGINE = "kokona.sessions"
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_RENEW_EVERY = timedelta(minutes=1)
SESSION_COOKIE_AGE = int((SESSION_IDLE_TIMEOUT + SESSION_RENEW_EVERY).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=10))
SESSION_COOKIE_HTTPONLY = True
# A form posted after the idle timeout is kept this long for its author (kokona.drafts).
DRAFT_LIFETIME = timedelta(hours=env.int("DRAFT_LIFETIME_HOURS", default=12))
# The reports' figures of a year are counted at most this often (reports.dashboard._kept).
REPORTS_FIGURES_SECONDS = env.int("REPORTS_FIGURES_SECONDS", default=60)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kokona.views.pages.csrf_failure"
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers. The CSP applies in development too, so a violation shows up early.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# TLS ends at the proxy in front of gunicorn; it tells us the scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 63072000  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# LINE's Messaging API (consultations/line.py): the channel's secret signs the webhook, its access
# token sends replies. The host is a setting so that tests talk to a fake LINE server on loopback.
LINE_CHANNEL_SECRET = env.str("LINE_CHANNEL_SECRET", default="")
LINE_CHANNEL_ACCESS_TOKEN = env.str("LINE_CHANNEL_ACCESS_TOKEN", default="")
LINE_API_HOST = env.str("LINE_API_HOST", default="https://api.line.me").rstrip("/")
LINE_TIMEOUT_SECONDS = env.int("LINE_TIMEOUT_SECONDS", default=10)
# Seconds before each new attempt at a reply LINE did not take; after the last, it shows as failed.
LINE_RETRY_DELAYS = [int(s) for s in env.list("LINE_RETRY_DELAYS", default=["30", "300", "1800"])]

# Internationalisation: Japanese only, Japan time, fiscal years April to March.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Request bodies (kokona.request_size): a modest limit everywhere; a 5 MB CSV and the form around it
# on the views marked @accepts_upload. An upload stays in memory, never in a temporary file.
REQUEST_MAX_BYTES = 1024 * 1024
UPLOAD_MAX_BYTES = 5 * 1024 * 1024 + 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 1

# Static files: our own CSS and JS, served by whitenoise, nothing from a CDN.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / ".static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# History (django-pghistory): every tracked model records inserts, updates and deletes (a deleted
# row's last state stays), and event tables refuse updates and deletes.
PGHISTORY_DEFAULT_TRACKERS = (
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
)
PGHISTORY_APPEND_ONLY = True

# Encryption at rest of the most sensitive fields (contact handles, free-text notes): its own keys,
# never SECRET_KEY. The first key encrypts; the others still decrypt, for rotation.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if DEBUG and not FIELD_ENCRYPTION_KEYS:
    FIELD_ENCRYPTION_KEYS = ["a29rb25hLWRldmVsb3BtZW50LWtleS1ub3QtcHJvZCE="]
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="development-hash-key" if DEBUG else "")
if not DEBUG and not (FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off."
    )

# Logs: one line an event, never a person's data; the request id ties a line to the audit trail.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kokona.logs.RequestIdLogFilter"}},
    "formatters": {
        "plain": {
            "()": "kokona.logs.ScrubbingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django would log the failing request; our handler already logs its id, not its data.
        "django.request": {"level": "ERROR"},
        "axes.apps": {"level": "WARNING"},
        # WeasyPrint (the PDF report) tells of each screen-only CSS rule it skips: noise.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMINS: list[tuple[str, str]] = []
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "MAIL_BACKEND",
            default="django.core.mail.backends."
            + ("console.EmailBackend" if DEBUG else "smtp.EmailBackend"),
        )
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kokona@localhost")
