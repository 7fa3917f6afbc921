"""Settings for Wangge, all read from the environment (see README, "Configuration")."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from wangge.env import env, env_bool, env_float, env_int, env_ints, env_list

# Lets the typed generics of Django classes (ModelAdmin[Grid], QuerySet[Grid]) work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
# By default beside the package (the checkout's var/), whatever directory a command runs from.
DATA_DIR = Path(env("WANGGE_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
# The embedded database, uploads and collected static files live here; make it on first use.
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("WANGGE_DEBUG", False)
# Without a configured key the process draws its own (server workers inherit it): sessions then end
# with a restart, which suits the demo and the tests, and no key is ever shared by accident.
SECRET_KEY_CONFIGURED = bool(env("WANGGE_SECRET_KEY"))
SECRET_KEY = env("WANGGE_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = env_list("WANGGE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("WANGGE_CSRF_TRUSTED_ORIGINS")

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
    "wangge.core",
    "wangge.grids",
    "wangge.people",
    "wangge.catalog",
    "wangge.records",
    "wangge.forces",
    "wangge.cases",
    "wangge.intake",
    "wangge.metrics",
    "wangge.api",
    "wangge.open311",
    "wangge.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the session, the user or a view's lookups; after the language is
    # chosen, for the reason's sake.
    "wangge.core.middleware.NulRefusedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# WANGGE_DB is a database URL: sqlite:///path/to/file.sqlite3 or postgres://user:pass@host:port/name.
DATABASES = {
    "default": dj_database_url.parse(
        env("WANGGE_DB", f"sqlite:///{DATA_DIR / 'wangge.sqlite3'}"),
        conn_max_age=env_int("WANGGE_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue on the busy timeout instead of failing half-way with "database is locked".
    # SQLite's default page cache (2 MiB) holds too little of a case table's indexes: a bulk
    # import then spends more time re-reading and spilling pages than inserting rows.
    # The backend queues the writers of each process on a lock of its own (see its module).
    DATABASES["default"]["ENGINE"] = "wangge.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536;"
        ),
    }
    # Tests use a file, not memory: threads of one test (two people acting at once) must share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("WANGGE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The console's front-end libraries, installed from npm (package-lock.json) by the bootstrap.
NODE_MODULES = BASE_DIR.parent / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "wangge.core.storage.CompressedStaticFiles"},
}

LOGIN_URL = "web:login"
# After logging in, each user lands on their own start page (the command centre, or an inbox).
LOGIN_REDIRECT_URL = "web:home"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wangge API",
    "DESCRIPTION": "Urban grid governance: grids, organisations, categories and cases.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed package, not a CDN: the console must work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Digits each grid level adds to its parent's code, after the national pattern: 6-digit division
# + 3-digit street (town) + 3-digit area + 3-digit unit + 3-digit block.
WANGGE_GRID_CODE_WIDTHS = env_ints("WANGGE_GRID_CODE_WIDTHS", "6,3,3,3,3", count=5)

# Office hours of working days, for deadlines in working time.
WANGGE_OFFICE_HOURS = env("WANGGE_OFFICE_HOURS", "09:00-12:00,13:00-17:30")

# A case's light turns yellow when this share of its time is left.
WANGGE_YELLOW_SHARE = env_float("WANGGE_YELLOW_SHARE", 0.25)

# While a case stays overdue, it climbs one escalation level this often.
WANGGE_ESCALATION_HOURS = env_float("WANGGE_ESCALATION_HOURS", 24)

# How the worker delivers notifications: any of console, email, webhook.
WANGGE_NOTIFY_TRANSPORTS = env_list("WANGGE_NOTIFY_TRANSPORTS", "console")
# A notification still failing after this many attempts is given up (shown so in the admin).
WANGGE_NOTIFY_MAX_ATTEMPTS = env_int("WANGGE_NOTIFY_MAX_ATTEMPTS", 8)
WANGGE_WEBHOOK_URL = env("WANGGE_WEBHOOK_URL")
# Seconds a silent receiver may hold the worker, well within its lease; EMAIL_TIMEOUT likewise.
WANGGE_WEBHOOK_TIMEOUT = env_float("WANGGE_WEBHOOK_TIMEOUT", 10)
EMAIL_BACKEND = env("WANGGE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("WANGGE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("WANGGE_EMAIL_PORT", 25)
EMAIL_TIMEOUT = env_float("WANGGE_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("WANGGE_EMAIL_FROM", "wangge@localhost")

# Pictures that reports name by address (Open311's media_url) are fetched with these limits;
# addresses inside private networks are refused unless allowed, so a report cannot make the
# server probe its own network.
WANGGE_MEDIA_FETCH_TIMEOUT = env_float("WANGGE_MEDIA_FETCH_TIMEOUT", 10)
WANGGE_MEDIA_FETCH_PRIVATE = env_bool("WANGGE_MEDIA_FETCH_PRIVATE", False)

# Reports of one kind within this distance and time of each other are likely the same problem.
WANGGE_DUPLICATE_RADIUS_M = env_float("WANGGE_DUPLICATE_RADIUS_M", 50)
WANGGE_DUPLICATE_HOURS = env_float("WANGGE_DUPLICATE_HOURS", 72)

# Citizens reporting by QR code: how many reports an hour one phone or network address may
# send, and the points each valid report earns.
WANGGE_CITIZEN_REPORTS_PER_HOUR = env_int("WANGGE_CITIZEN_REPORTS_PER_HOUR", 5)
WANGGE_CITIZEN_POINTS_PER_REPORT = env_int("WANGGE_CITIZEN_POINTS_PER_REPORT", 10)

# The largest request a detection system may send, its snapshot in base64 included; bigger
# pictures go by snapshot_url. The body is read before its signature is checked, so this bounds
# what anyone can make the server hold.
WANGGE_DETECTION_MAX_BYTES = env_int("WANGGE_DETECTION_MAX_BYTES", 8 * 1024 * 1024)

# Attendance check-ins and check-outs are accepted this many metres outside the assigned grid,
# for the error of a phone's position.
WANGGE_ATTENDANCE_TOLERANCE_M = env_float("WANGGE_ATTENDANCE_TOLERANCE_M", 100)

# What Open311's discovery document gives as the contact for the service.
WANGGE_OPEN311_CONTACT = env("WANGGE_OPEN311_CONTACT")

# The command centre's base map: a tile URL for Leaflet ({z}/{x}/{y}) and its attribution.
# Without one the grids are drawn on a plain background, so the centre works offline. Tiles of
# Amap or Tencent are in GCJ-02: WANGGE_TILE_CRS=gcj02 shifts the grids and cases to match.
WANGGE_TILE_URL = env("WANGGE_TILE_URL")
WANGGE_TILE_ATTRIBUTION = env("WANGGE_TILE_ATTRIBUTION")
WANGGE_TILE_CRS = env("WANGGE_TILE_CRS", "wgs84").lower()
if WANGGE_TILE_CRS not in ("wgs84", "gcj02"):
    raise ValueError(f"WANGGE_TILE_CRS must be wgs84 or gcj02, not {WANGGE_TILE_CRS!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("WANGGE_LOG_LEVEL", "INFO")},
}
