"""Django settings for Haoban, configured from the environment.

- ``DATABASE_URL``: defaults to a SQLite file under ``./var/`` (WAL mode, busy timeout).
- ``SECRET_KEY``: generated into ``./var/secret_key`` on first run when absent.
- ``DEBUG``: off unless ``DEBUG=1``.
- ``ALLOWED_HOSTS``: comma-separated, default ``127.0.0.1,localhost``.
- ``HAOBAN_VAR_DIR``: where runtime files live (default ``./var``).
- ``HAOBAN_PUBLIC_BASE_URL``: absolute base used in QR codes of printed documents.
- ``OIDC_RP_CLIENT_ID`` and the other ``OIDC_*`` variables: login through the province's unified identity
  (docs/auth.md); without them only local accounts log in.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from haoban.accounts.oidc_settings import oidc_settings

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HAOBAN_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
PUBLIC_BASE_URL = os.environ.get("HAOBAN_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "haoban.core",
    "haoban.accounts",
    "haoban.calendars",
    "haoban.organization",
    "haoban.catalog",
    "haoban.cases",
    "haoban.integration",
    "haoban.portal",
    "haoban.workbench",
    "haoban.payments",
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

ROOT_URLCONF = "haoban.urls"
WSGI_APPLICATION = "haoban.wsgi.application"

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
                "haoban.core.context_processors.site",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'haoban.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL + busy timeout: the web workers and the worker process never fail on "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SQLITE_TEST_NAME") or None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Argon2id first (argon2-cffi); older hashes are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "haoban.accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Local accounts always; the province's unified identity (OIDC) when configured by environment.
globals().update(oidc_settings(os.environ))
# E-mail: printed to the console by default; set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS for a real server.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "一网好办 <noreply@haoban.local>")

LOGIN_URL = "/accounts/login/"  # the admin keeps its own login page
LOGIN_REDIRECT_URL = "/accounts/me/"
LOGOUT_REDIRECT_URL = None  # the logout view shows its own page

SESSION_ENGINE = "haoban.accounts.sessions"  # database sessions, read lean (docs/performance.md)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Basic first: its WWW-Authenticate challenge makes DRF answer 401 (not 403) to unauthenticated API
    # requests; a browser's session cookie still authenticates (Basic only reads an Authorization header).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "haoban.core.api.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "haoban.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "haoban.core.negotiation.JsonNegotiation",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "一网好办 Haoban API",
    "DESCRIPTION": (
        "一网好办政务服务平台接口。公开接口可匿名读取已发布的政务服务事项、办事指南与特色服务清单；"
        '写接口需要事项管理员（catalog manager）权限。错误格式：`{"code", "message", "fields"}`。'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Strings a YAML 1.2 reader would take for numbers (item types 08, 09) are written quoted; operations
    # closed to anonymous callers document their 401.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "haoban.core.openapi.yaml12_safe_strings",
        "haoban.core.openapi.document_unauthenticated",
    ],
    # One stable component name per choice set, whatever the field is called.
    "ENUM_NAME_OVERRIDES": {
        "ItemTypeEnum": "haoban.catalog.models.ItemType",
        "PublicServiceDomainEnum": "haoban.catalog.models.PublicServiceDomain",
        "LevelEnum": "haoban.catalog.models.Level",
        "TimeUnitEnum": "haoban.catalog.models.TimeUnitChoice",
        "HandlingTypeEnum": "haoban.catalog.models.HandlingType",
        "OnlineDepthEnum": "haoban.catalog.models.OnlineDepth",
        "ChannelEnum": "haoban.catalog.models.Channel",
        "ApplicantKindEnum": "haoban.catalog.models.ApplicantKind",
        "ResultTypeEnum": "haoban.catalog.models.ResultType",
        "ServiceTagCodeEnum": "haoban.catalog.models.ServiceTagCode",
        "MaterialFormatEnum": "haoban.catalog.models.MaterialRequirement.Format",
        "MaterialSourceEnum": "haoban.catalog.models.MaterialRequirement.Source",
        "ProcessStepRoleEnum": "haoban.catalog.models.ProcessStep.Role",
        "ClaimStatusEnum": "haoban.catalog.models.ServiceItem.ClaimStatus",
        "VersionStatusEnum": "haoban.catalog.models.ServiceItemVersion.Status",
        "RegionKindEnum": "haoban.organization.models.Region.Kind",
        "ServiceCenterKindEnum": "haoban.organization.models.ServiceCenter.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Payments (docs/payments.md): the payment provider's class, and the HMAC-SM3 key of the local cashier
# (64 hex digits; without it a key derived from SECRET_KEY).
HAOBAN_PAYMENT_PROVIDER = os.environ.get(
    "HAOBAN_PAYMENT_PROVIDER", "haoban.payments.providers.local.LocalProvider"
)
HAOBAN_PAYMENT_LOCAL_KEY = os.environ.get("HAOBAN_PAYMENT_LOCAL_KEY", "")

# Supervision light threshold (legal-rules.md §8, configurable): yellow when remaining working days
# <= max(1, ceil(YELLOW_RATIO * limit)).
HAOBAN_YELLOW_RATIO = float(os.environ.get("HAOBAN_YELLOW_RATIO", "0.2"))

# Submission write path (docs/performance.md). How often a process asks the database whether the working-day
# calendar changed (seconds; 0 = on every call).
HAOBAN_CALENDAR_CHECK_SECONDS = float(os.environ.get("HAOBAN_CALENDAR_CHECK_SECONDS", "2"))
# How long a process keeps rarely changing rows read on hot paths (haoban.core.localcache; 0 = not at all).
HAOBAN_LOCAL_CACHE_SECONDS = float(os.environ.get("HAOBAN_LOCAL_CACHE_SECONDS", "2"))
# On PostgreSQL, allocate case numbers in a short transaction of their own, so the region's daily counter row
# is not locked until the submission commits (a failed submission leaves a gap in the day's numbers).
HAOBAN_CASE_NUMBER_OWN_TRANSACTION = os.environ.get(
    "HAOBAN_CASE_NUMBER_OWN_TRANSACTION", "1"
).strip().lower() in {"1", "true", "yes", "on"}
# On PostgreSQL, run the statements of the hot paths (session read, case number, submission writes) as
# EXECUTE of statements prepared once per connection (haoban.core.db.prepared). Turn off behind a
# transaction-pooling proxy (PgBouncer in transaction mode): SQL-level PREPARE lives on one server connection.
HAOBAN_PREPARED_STATEMENTS = os.environ.get("HAOBAN_PREPARED_STATEMENTS", "1").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}
