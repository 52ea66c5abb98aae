"""Waymark settings: one module, read from the environment.

Two modes, chosen by WAYMARK_ENV:
- ``demo`` (the default): the laptop demo. SQLite under ``data/``, background jobs
  in-process, console email, a secret key generated once and kept in ``data/``.
- ``production``: every value that matters must be given; the process refuses to start
  with a missing or insecure one.

Every variable is listed, with its meaning, in ``.env.example``.
"""

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from apps.core.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_origins,
    env_str,
    env_url,
)
from apps.core.sensitive_words import SENSITIVE_WORDS as DEFAULT_SENSITIVE_WORDS

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("WAYMARK_DATA_DIR", str(BASE_DIR / "data")))

WAYMARK_ENV = env_str("WAYMARK_ENV", "demo", choices=("demo", "production"))
PRODUCTION = WAYMARK_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when WAYMARK_ENV=production.")


def _demo_secret_key() -> str:
    """A key generated on first run and kept, so demo staff sessions survive restarts."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else "")
if not SECRET_KEY:
    SECRET_KEY = _demo_secret_key()
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", None if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host(s) in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "apps.curation.apps.WaymarkAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "django_otp",
    "apps.core.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp, named
    "apps.core",
    "apps.directory",
    "apps.curation",
    "apps.referrals",
    "apps.interchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise and LocaleMiddleware, so static files and the "/" -> "/en/"
    # redirect carry it too (SR-17).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Pages travel compressed (issue #9: under 30 KB); Django adds random padding against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "apps.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.core.security.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.curation.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.NoAnonymousCookiesMiddleware",
]

ROOT_URLCONF = "apps.urls"
WSGI_APPLICATION = "apps.wsgi.application"

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
                "apps.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default_sqlite=DATA_DIR / "waymark.sqlite3",
        required=PRODUCTION,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiler spends hundreds of milliseconds compiling the plans of
    # our larger queries before running them for tens: off (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "waymark",
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous public pages and searches are kept on the server (apps/core/pagecache.py).
PUBLIC_PAGE_CACHE = env_bool("WAYMARK_PUBLIC_PAGE_CACHE", True)
# After an ordinary publication, the previous copy of a page may be served for at most
# this many seconds while one worker builds it again (decision 0014).
PUBLIC_PAGE_STALE_SECONDS = env_int("WAYMARK_PUBLIC_PAGE_STALE_SECONDS", 30, minimum=0)
# Requests per client and window to the HSDS API.
HSDS_API_RATE_LIMIT = env_int("HSDS_API_RATE_LIMIT", 120, minimum=1)
HSDS_API_RATE_WINDOW = env_int("HSDS_API_RATE_WINDOW", 60, minimum=1)

# --- Background jobs ----------------------------------------------------------------
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", None, schemes=("redis", "rediss", "amqp"))
if PRODUCTION and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set in production.")
# Without a broker (the laptop demo) tasks run in-process, inside the request.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must never hang a request on an unreachable broker (RR-7).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "apps.curation.tasks.outbox_flush", "schedule": 60.0},
    "verification-reminders": {
        "task": "apps.curation.tasks.verification_reminders",
        "schedule": 6 * 60 * 60.0,
    },
    "purge-reference-codes": {
        "task": "apps.referrals.tasks.purge_reference_codes",
        "schedule": 24 * 60 * 60.0,
    },
    "purge-resolved-reports": {
        "task": "apps.curation.tasks.purge_resolved_reports",
        "schedule": 24 * 60 * 60.0,
    },
    "purge-decided-applications": {
        "task": "apps.curation.tasks.purge_decided_applications",
        "schedule": 24 * 60 * 60.0,
    },
    "purge-expired-sessions": {
        "task": "apps.curation.tasks.purge_expired_sessions",
        "schedule": 60 * 60.0,
    },
}

# --- Staff authentication -------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions: 30 minutes idle (renewed on every request), 12 hours at most (SR-14,
# enforced by apps.curation.middleware), stored server-side so logout ends them.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_LIMIT_SECONDS = 12 * 60 * 60
SESSION_COOKIE_NAME = "staff_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# The CSRF token lives in the server-side session, not in a cookie a sibling subdomain
# or a network attacker could plant: so a browser that sends neither Origin nor Referer
# can still be trusted on its token (apps.core.security.CsrfViewMiddleware, decision 0010).
CSRF_USE_SESSIONS = True
# Django's check for its CSRF middleware knows it only by name; the subclass in MIDDLEWARE
# is checked by apps.core.security.check_csrf_middleware instead (waymark.E001).
SILENCED_SYSTEM_CHECKS = ["security.W003"]
# Messages live in the session, so an anonymous visitor never gets a messages cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Languages ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("fa", "فارسی"),
    ("vi", "Tiếng Việt"),
    ("zh-hans", "简体中文"),
    ("tl", "Tagalog"),
]
LANGUAGES_BIDI = ["ar", "fa"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# Content shown in a language it was not written in falls back along this chain; the page
# then says which language it is shown in. Each chain is chosen for the people who read
# that language and ends in English; the reason for each is in docs/languages.md
# ("Fallback chains"), and tests/core/test_fallbacks.py pins them.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en",),
    "en": ("en",),
    "es": ("en",),
    "fr": ("en",),
    "pt": ("es", "en"),
    "ro": ("en",),
    "uk": ("en",),
    "ru": ("en",),
    "ar": ("en",),
    "fa": ("en",),
    "vi": ("en",),
    "zh-hans": ("en",),
    "tl": ("en",),
}

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "apps" / "core" / "static_site"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The demo and the tests serve static files straight from the source folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email --------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "waymark@localhost")

# --- Privacy and security headers (QE-10…QE-17, SR-16, SR-17) ------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
# Staff pages send their origin to the site itself, so current browsers pass Django's
# strict Origin check; never to another origin. "no-referrer" first: a browser too old to
# know "same-origin" keeps "no-referrer" (decision 0010, apps.core.middleware).
STAFF_REFERRER_POLICY = "no-referrer, same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

HTTPS = env_bool("HTTPS", PRODUCTION)
if PRODUCTION and not HTTPS:
    raise ImproperlyConfigured("Production must be served over HTTPS (HTTPS=true).")
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if env_bool("BEHIND_PROXY", PRODUCTION):
    # TLS ends at the reverse proxy (docs/deploy.md), which sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health probes come from inside the compose network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Waymark ------------------------------------------------------------------------
# The public address, for links in staff emails.
BASE_URL = env_url("WAYMARK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long a referral reference code reopens its list (R4).
WAYMARK_REFERENCE_CODE_DAYS = env_int("WAYMARK_REFERENCE_CODE_DAYS", 30, minimum=1)
# Hours after which a service's "space available" is shown as "not updated recently".
WAYMARK_CAPACITY_STALE_HOURS = env_int("WAYMARK_CAPACITY_STALE_HOURS", 24, minimum=1)
# The device admin must never show a staff member's TOTP secret or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_ISSUER = env_str("WAYMARK_SITE_NAME", "Waymark")
# django-otp's own throttle counts failures per device, whoever sends them: someone who
# knows a password could keep its owner out with a few wrong codes. Sign-in failures
# are throttled per (username, client) and per client instead (apps/curation/auth.py).
OTP_TOTP_THROTTLE_FACTOR = 0
# A deployment may choose a neutral name so the tab title does not reveal the site (QE-15).
SITE_NAME = env_str("WAYMARK_SITE_NAME", "Waymark")

# Where the exit control goes (QE-1…QE-9): a non-personalised page. One rule, in
# apps.core.i18n.neutral_url: a language's own WAYMARK_NEUTRAL_URL_<LANG> if set, else
# WAYMARK_NEUTRAL_URL if set, else the Wikipedia main page in that language.
NEUTRAL_URL_DEFAULT = env_url("WAYMARK_NEUTRAL_URL", None)
NEUTRAL_URLS = {
    code: url
    for code, _name in LANGUAGES
    if (url := env_url(f"WAYMARK_NEUTRAL_URL_{code.upper().replace('-', '_')}", None))
}

# Origins (scheme://host[:port]) whose pages may frame the "get help now" box at
# /embed/help/ (docs/embed.md). Empty: no site may frame it. Only that page's
# frame-ancestors changes; every other page keeps 'none' and X-Frame-Options DENY.
WAYMARK_EMBED_ALLOWED_ORIGINS = env_origins("WAYMARK_EMBED_ALLOWED_ORIGINS")

# --- Logging: never client addresses, query strings, Referer or bodies (QE-17) ---------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "apps.core.logging.ScrubRequestDetails"}},
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Words no title, path or query string may contain, per language (QE-15).
SENSITIVE_WORDS = DEFAULT_SENSITIVE_WORDS
