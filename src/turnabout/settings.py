"""Turnabout settings: one module, every deployment value from the environment.

See README.md ("Configuration") for the variables.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TURNABOUT_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Django's technical 404/500 pages only on request, even with DEBUG on.
TURNABOUT_DEBUG_PAGES = env_bool("TURNABOUT_DEBUG_PAGES", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A public key would let anyone forge sessions and password-reset links.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set a long random SECRET_KEY in production "
            "(or DEBUG=1 for development)."
        )
    # Development only (DEBUG=1): a fixed, clearly insecure key.
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    # Sign-in (enterprise): allauth for login, SSO and TOTP; axes for throttling.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "axes",
    "turnabout.common",
    "turnabout.accounts",
    "turnabout.people",
    "turnabout.programs",
    "turnabout.enrollment",
    "turnabout.learning",
    "turnabout.pairing",
    "turnabout.engagement",
    "turnabout.me",
    "turnabout.feedback",
    "turnabout.insights",
    "turnabout.recognition",
    "turnabout.integrations",
    "turnabout.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "turnabout.accounts.middleware.SsoFormActionMiddleware",
    "turnabout.common.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "turnabout.common.middleware.FriendlyErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "turnabout.accounts.middleware.SessionLifetimeMiddleware",
    "turnabout.accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "turnabout.common.middleware.DomainErrorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "turnabout.urls"
WSGI_APPLICATION = "turnabout.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "turnabout.me.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'turnabout.sqlite3'}")
DATABASES: dict[str, Any] = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so that a worker subprocess can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in (enterprise) settings are in one block at the end of this module.

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
# Dates and times in named formats, one module per language (turnabout/formats/en/).
FORMAT_MODULE_PATH = ["turnabout.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Turnabout <turnabout@localhost>")

# A task worker that gave no sign of life for this long is dead: its tasks are re-queued or
# failed, a match run it was running is failed (common/leases.py).
TURNABOUT_TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS", "60"))
# Tests of crashes only: make every match run wait this long so a worker can be killed.
TURNABOUT_MATCH_RUN_PAUSE_SECONDS = float(os.environ.get("TURNABOUT_MATCH_RUN_PAUSE_SECONDS", "0"))

# Background tasks. Two queues so a match run never waits behind a backlog of emails:
# `matching` (match runs) and `default` (everything else). TASKS_BACKEND=db (the default)
# keeps them in the database; TASKS_BACKEND=rq puts them on Redis (REDIS_URL) for workers on
# many machines. See docs/deploy.md.
TASK_QUEUES = ["default", "matching"]
_TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db").strip()
_TASKS_BACKEND = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}.get(_TASKS_BACKEND, _TASKS_BACKEND)
TASKS = {"default": {"BACKEND": _TASKS_BACKEND, "QUEUES": TASK_QUEUES}}
if _TASKS_BACKEND == "django_tasks_rq.RQBackend":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        queue: {
            "URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            "DEFAULT_TIMEOUT": 6 * 3600,  # a very large match run takes minutes, not hours
        }
        for queue in TASK_QUEUES
    }

# Content-Security-Policy (django-csp 4): nothing inline but the nonce'd <style> of charts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Behind HTTPS (SECURE_COOKIES=1): secure cookies, HTTP redirected to HTTPS, and HSTS.
if env_bool("SECURE_COOKIES", False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if env_bool("BEHIND_TLS_PROXY", False):  # the proxy terminates TLS and says so
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"

SESSION_COOKIE_HTTPONLY = True
# A session ends 12 hours after the login whatever happens (absolute lifetime), and after 30
# minutes without a request for org admins and program managers (idle timeout).
TURNABOUT_SESSION_ABSOLUTE_MINUTES = int(os.environ.get("SESSION_ABSOLUTE_MINUTES", "720"))
TURNABOUT_SESSION_IDLE_MINUTES_PRIVILEGED = int(
    os.environ.get("SESSION_IDLE_MINUTES_PRIVILEGED", "30")
)
SESSION_COOKIE_AGE = TURNABOUT_SESSION_ABSOLUTE_MINUTES * 60
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)  # set to 1 behind HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Anonymous results are shown only for groups of at least this many people (never below 3).
TURNABOUT_MIN_GROUP_SIZE = max(3, int(os.environ.get("TURNABOUT_MIN_GROUP_SIZE", "5")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_403": {"()": "turnabout.common.logging.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["one_line_403"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Sign-in (enterprise): allauth, django-axes, SSO ---------------------------------------
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
ACCOUNT_ADAPTER = "turnabout.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "turnabout.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses come from the HR import, not from sign-ups
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset request for an unknown address sends nothing
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Turnabout: "
ACCOUNT_RATE_LIMITS = {
    # Failed logins are django-axes' job (it locks and audits); allauth's would fire first.
    "login_failed": None,
    # Password-reset emails: a few per address per hour, more per network address.
    "reset_password": os.environ.get("TURNABOUT_RESET_RATE", "10/h/ip,3/h/key"),
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Turnabout"
MFA_TOTP_TOLERANCE = 1  # accept the codes of the 30 s before and after: phone clocks drift
MFA_ALLOW_UNVERIFIED_EMAIL = True  # addresses come from the HR import

AXES_FAILURE_LIMIT = int(os.environ.get("TURNABOUT_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TURNABOUT_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each alone: per account, per address
AXES_USERNAME_CALLABLE = "turnabout.accounts.throttling.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "turnabout.accounts.throttling.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("TURNABOUT_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# API calls per token and minute (0: no limit); over it the API answers 429 + Retry-After.
TURNABOUT_TOKEN_RATE_LIMIT = int(os.environ.get("TURNABOUT_TOKEN_RATE_LIMIT", "600"))

# Throttles are counted in a cache that every app server shares: Redis when REDIS_URL is
# set, else a table in the database (created by a migration of the accounts app).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "turnabout_cache"}
}

# Identity providers from the environment (see accounts/sso_env.py and docs/sign-in.md);
# org admins add more on the Settings -> Single sign-on page.
from turnabout.accounts.sso_env import providers_from_env  # noqa: E402

SOCIALACCOUNT_PROVIDERS = providers_from_env(os.environ)
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
