"""Settings, read from the environment through strict helpers.

Two modes:
- embedded (the default, nothing set): SQLite, Celery on kombu's filesystem transport, e-mails to
  the console, secrets generated once into var/ so that `./dev run` works on a fresh clone;
- production (PORTAL_ENV=production): every secret must come from the environment, and start-up
  stops with a clear message when one is missing.
"""

import json
import secrets
import sys
from decimal import Decimal
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.environment import (
    BASE_DIR,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
)

PORTAL_ENV = env_str("PORTAL_ENV", "embedded")
if PORTAL_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured(
        f"PORTAL_ENV must be 'embedded' or 'production', got {PORTAL_ENV!r}."
    )
PRODUCTION = PORTAL_ENV == "production"

VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))


def _required(name: str) -> str:
    value = env_str(name)
    if not value:
        # A clear sentence rather than a traceback: this is what an operator sees at start-up.
        sys.stderr.write(f"Configuration error: {name} must be set when PORTAL_ENV=production.\n")
        raise ImproperlyConfigured(f"{name} must be set when PORTAL_ENV=production.")
    return value


def _required_list(name: str) -> list[str]:
    _required(name)
    return env_list(name, [])


def _embedded_secrets() -> dict:
    """Embedded-mode secrets, generated once per checkout and kept out of the repo (var/)."""
    path = VAR_DIR / "embedded-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CREDENTIALS_KEY": Fernet.generate_key().decode(),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    # Comma-separated Fernet keys: the first encrypts, all decrypt (key rotation).
    CREDENTIALS_KEYS = _required_list("CREDENTIALS_KEY")
    DATABASE_URL = _required("DATABASE_URL")
    REDIS_URL = _required("REDIS_URL")
    ALLOWED_HOSTS = _required_list("ALLOWED_HOSTS")
    PORTAL_BASE_URL = _required("PORTAL_BASE_URL")
    DEBUG = False
else:
    _generated = _embedded_secrets()
    SECRET_KEY = env_str("SECRET_KEY") or _generated["SECRET_KEY"]
    CREDENTIALS_KEYS = env_list("CREDENTIALS_KEY", []) or [_generated["CREDENTIALS_KEY"]]
    DATABASE_URL = env_str("DATABASE_URL") or ""
    REDIS_URL = env_str("REDIS_URL") or ""
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    PORTAL_BASE_URL = env_str("PORTAL_BASE_URL") or "http://127.0.0.1:8000"
    DEBUG = env_bool("DEBUG", True)

INSTALLED_APPS = [
    # Django's admin with the back-office's site (invoices/support/site.py).
    "invoices.support.apps.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "portal",
    "structures",
    "invoices",
    "accounts",
    "connectors.facturation_pro",
    "invoices.support.apps.SupportConfig",
    "webhooks",
    "reference_lists",
    "api",
    "catalogue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.languages.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.spaces.ActiveSpaceMiddleware",
]

if PRODUCTION:
    # Static files served by the application itself, compressed and cached forever.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.spaces.space_context",
                "invoices.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "portal.sqlite3"}
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web server, worker and beat write to the same file: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, or this process's memory while Redis is unreachable (portal/cache.py).
            "BACKEND": "portal.cache.RedisWithLocalFallbackCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    # Shared by the web server and the worker processes, unlike a per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Throttling (portal/throttle.py). An account is locked after LOGIN_MAX_FAILURES failures, for
# longer at each further failure, up to LOGIN_LOCKOUT_SECONDS; one client address has a far
# higher ceiling, against password spraying. The client address is read from X-Forwarded-For
# only when the request comes from one of TRUSTED_PROXIES: none in the embedded run, a proxy on
# the same machine in production.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
LOGIN_ADDRESS_MAX_FAILURES = env_int("LOGIN_ADDRESS_MAX_FAILURES", 100)
PASSWORD_RESET_MAX_PER_ACCOUNT = env_int("PASSWORD_RESET_MAX_PER_ACCOUNT", 3)
PASSWORD_RESET_MAX_PER_ADDRESS = env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 20)
# Two-factor login (accounts/): support staff and structure managers must use it. Wrong codes are
# throttled per account by portal/throttle.py like passwords, so django-otp's own delays, which
# would refuse even a right code for a while, are off.
OTP_TOTP_ISSUER = "Portail Chorus"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# How long the code may be typed after the password, before the password is asked again.
SECOND_FACTOR_PENDING_SECONDS = env_int("SECOND_FACTOR_PENDING_SECONDS", 300)
# Invitations to join a structure: valid this many days, at most this many e-mails an hour per
# manager (each invitation may also be resent 3 times an hour).
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
INVITATIONS_MAX_PER_HOUR = env_int("INVITATIONS_MAX_PER_HOUR", 20)
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if PRODUCTION else [])

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security: cookies, CSRF, CSP. HTTPS-only settings switch on in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    # The invoice PDF is shown in the page from our own origin.
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}

# E-mail
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portail Chorus <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
elif PRODUCTION:
    _required("EMAIL_HOST")
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Celery. Embedded mode uses kombu's filesystem transport: a real worker process and beat, and no
# broker server to install.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    # Messages written atomically (portal/broker.py).
    CELERY_BROKER_TRANSPORT = "portal.broker:Transport"
    _broker_dir = VAR_DIR / "celery-broker"
    # kombu's filesystem transport expects its folders to exist.
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery-control"),
    }
else:
    # A task that is not acknowledged within this time is handed to another worker: our tasks are
    # idempotent (house style: every job is safe to run twice). A scheduled retry waits
    # unacknowledged in a worker until its time, so this stays above the longest countdown
    # (30 minutes, invoices/retries.py); a task lost with a dead worker is found sooner
    # by the beat's sweep anyway.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Chorus Pro. The portal knows only base URLs: the emulator in development, tests and the demo;
# PISTE's sandbox or production in real life. The PISTE application (OAuth client) belongs to the
# portal operator; each structure brings its own technical account.
CHORUS_EMULATOR_URL = env_str("CHORUS_EMULATOR_URL", "http://127.0.0.1:8090")
CHORUS_ENDPOINTS = {
    "emulator": {
        "token_url": f"{CHORUS_EMULATOR_URL}/api/oauth/token",
        "api_base_url": CHORUS_EMULATOR_URL,
        "client_id": env_str("CHORUS_EMULATOR_CLIENT_ID", "" if PRODUCTION else "portail-demo"),
        "client_secret": env_str(
            "CHORUS_EMULATOR_CLIENT_SECRET", "" if PRODUCTION else "portail-demo-secret"
        ),
    },
    "sandbox": {
        "token_url": "https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
        "api_base_url": "https://sandbox-api.piste.gouv.fr",
        "client_id": env_str("PISTE_SANDBOX_CLIENT_ID", ""),
        "client_secret": env_str("PISTE_SANDBOX_CLIENT_SECRET", ""),
    },
    "production": {
        "token_url": "https://oauth.piste.gouv.fr/api/oauth/token",
        "api_base_url": "https://api.piste.gouv.fr",
        "client_id": env_str("PISTE_CLIENT_ID", ""),
        "client_secret": env_str("PISTE_CLIENT_SECRET", ""),
    },
}
CHORUS_CONNECT_TIMEOUT = env_int("CHORUS_CONNECT_TIMEOUT", 5)
CHORUS_READ_TIMEOUT = env_int("CHORUS_READ_TIMEOUT", 60)
# Warn structure managers this many days before their technical password expires.
CHORUS_PASSWORD_WARNING_DAYS = env_int("CHORUS_PASSWORD_WARNING_DAYS", 30)
# The recipient directory serves a structure read from Chorus Pro this long, then reads it again.
CHORUS_DIRECTORY_MAX_AGE_DAYS = env_int("CHORUS_DIRECTORY_MAX_AGE_DAYS", 7)
# Where each Chorus Pro environment's directory is read (structures/directory_source.py): the
# Référentiel des Organisations ("referentiel"), which replaces the Structures API ("structures",
# to be decommissioned by 2027). PISTE's environments keep the Structures API until the operator
# subscribes the portal's application to the Référentiel (it also gives the technical password's
# expiry date, which the Référentiel does not). CHORUS_DIRECTORY_SOURCE is one source for every
# environment, or "environment=source" pairs separated by commas ("production=referentiel").
CHORUS_DIRECTORY_SOURCE = {
    "emulator": "referentiel",
    "sandbox": "structures",
    "production": "structures",
}
for _pair in filter(None, env_str("CHORUS_DIRECTORY_SOURCE", "").replace(" ", "").split(",")):
    _environment, _, _source = _pair.rpartition("=")
    for _name in [_environment] if _environment else list(CHORUS_DIRECTORY_SOURCE):
        CHORUS_DIRECTORY_SOURCE[_name] = _source

# Legal payment deadline in days by kind of public entity (Code de la commande publique,
# R. 2192-10 and following: 30 days, 50 for public health establishments); an entity whose kind
# is not set gets PAYMENT_DEADLINE_DEFAULT_DAYS.
PAYMENT_DEADLINE_DEFAULT_DAYS = env_int("PAYMENT_DEADLINE_DEFAULT_DAYS", 30)
PAYMENT_DEADLINE_DAYS = {
    "state": env_int("PAYMENT_DEADLINE_STATE_DAYS", 30),
    "local": env_int("PAYMENT_DEADLINE_LOCAL_DAYS", 30),
    "health": env_int("PAYMENT_DEADLINE_HEALTH_DAYS", 50),
    "other": env_int("PAYMENT_DEADLINE_OTHER_DAYS", 30),
}
# Late-payment interest: the ECB main refinancing rate plus 8 points (R. 2192-31); the ECB rate
# changes every half-year, so it is a setting (a decimal string, percent per year).
LATE_PAYMENT_ECB_RATE = Decimal(env_str("LATE_PAYMENT_ECB_RATE", "2.15"))
LATE_PAYMENT_MARGIN_POINTS = Decimal(env_str("LATE_PAYMENT_MARGIN_POINTS", "8"))
# The fixed recovery indemnity due on any late payment (D. 2192-35).
LATE_PAYMENT_INDEMNITY = Decimal(env_str("LATE_PAYMENT_INDEMNITY", "40.00"))
# A recipient or validator account's first inbox sync looks this far back (later cycles ask
# only for what changed since the previous one).
INBOX_FIRST_SYNC_LOOKBACK_DAYS = env_int("INBOX_FIRST_SYNC_LOOKBACK_DAYS", 90)
# Chorus Pro refuses a telecharger/groupe answer over a billing file's maximum size (contract
# §5.12: 120 MB, HTTP 413); selections are split to stay under it.
CHORUS_DOWNLOAD_MAX_BYTES = env_int("CHORUS_DOWNLOAD_MAX_BYTES", 120 * 1024 * 1024)

# Facturation.pro (connectors/facturation_pro/): the API's base URL (the emulator of `./dev run`
# outside production) and the User-Agent its doc asks for (application and contact, ASCII).
FACTURATION_PRO_URL = env_str(
    "FACTURATION_PRO_URL", "https://www.facturation.pro" if PRODUCTION else "http://127.0.0.1:8091"
)
FACTURATION_PRO_USER_AGENT = env_str(
    "FACTURATION_PRO_USER_AGENT", "PortailChorus (support@portail.example)"
)
# Webhooks (webhooks/delivery.py): short timeouts and a capped read per attempt; retries from
# 30 s doubling to at most 4 h apart, for a day; an endpoint failing this many times in a row
# over at least this many hours is disabled. Private, loopback and link-local addresses are
# refused in production (the embedded run and the tests call servers on this machine).
WEBHOOKS_CONNECT_TIMEOUT = float(env_str("WEBHOOKS_CONNECT_TIMEOUT", "3"))
WEBHOOKS_READ_TIMEOUT = float(env_str("WEBHOOKS_READ_TIMEOUT", "5"))
WEBHOOKS_MAX_RESPONSE_BYTES = env_int("WEBHOOKS_MAX_RESPONSE_BYTES", 4096)
WEBHOOKS_RETRY_FIRST_SECONDS = env_int("WEBHOOKS_RETRY_FIRST_SECONDS", 30)
WEBHOOKS_RETRY_MAX_SECONDS = env_int("WEBHOOKS_RETRY_MAX_SECONDS", 4 * 3600)
WEBHOOKS_RETRY_HOURS = env_int("WEBHOOKS_RETRY_HOURS", 24)
WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("WEBHOOKS_DISABLE_AFTER_FAILURES", 10)
WEBHOOKS_DISABLE_AFTER_HOURS = env_int("WEBHOOKS_DISABLE_AFTER_HOURS", 12)
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", not PRODUCTION)
# Finished events (every delivery delivered or given up) are kept this long for replays.
WEBHOOKS_KEEP_DAYS = env_int("WEBHOOKS_KEEP_DAYS", 30)
# The integrator API (api/): requests allowed per key in 5 minutes and in a day (as
# Facturation.pro's API), and the largest page of a list.
API_RATE_LIMIT_5_MINUTES = env_int("API_RATE_LIMIT_5_MINUTES", 600)
API_RATE_LIMIT_DAY = env_int("API_RATE_LIMIT_DAY", 10_000)
API_MAX_PER_PAGE = env_int("API_MAX_PER_PAGE", 100)
# How long each API call's record (key, method, path, status, duration) is kept.
API_CALLS_KEPT_DAYS = env_int("API_CALLS_KEPT_DAYS", 90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
