"""KAM settings: one file, every machine-specific value from the environment with a safe default."""

import os
import sys
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules
SECRET_KEY = os.environ.get("SECRET_KEY", "kam-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs page from local static files, not a CDN
    "huey.contrib.djhuey",
    "kam.core",
    "kam.workcalendar",
    "kam.users",
    "kam.audit",
    "kam.accounts",
    "kam.contacts",
    "kam.interactions",
    "kam.search",
    "kam.products",
    "kam.opportunities",
    "kam.leads",
    "kam.pools",
    "kam.contracts",
    "kam.billing",
    "kam.battlemap",
    "kam.checklists",
    "kam.delivery",
    "kam.intents",
    "kam.forecasts",
    "kam.assessments",
    "kam.presales",
    "kam.bids",
    "kam.quotes",
    "kam.approvals",
    "kam.notifications",
    "kam.tasks",
    "kam.handovers",
    "kam.scorecards",
    "kam.reviews",
    "kam.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kam.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kam.core.middleware.PagesLoginRequiredMiddleware",
    "kam.users.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

FORM_RENDERER = "kam.core.form_renderer.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kam" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kam.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL comes from DATABASE_URL.
SQLITE_MMAP_BYTES = int(os.environ.get("KAM_SQLITE_MMAP_MB", "2047")) * 1024 * 1024
SQLITE_CACHE_KIB = int(os.environ.get("KAM_SQLITE_CACHE_MB", "64")) * 1024
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kam.sqlite3'}")
# Connections are kept between requests on both databases. A new SQLite connection runs the
# PRAGMAs below, parses the whole schema and starts with an empty page cache: ~3.5 ms of a
# 12 ms list page (bench/README.md).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
        # with "database is locked" halfway through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # The default 2 MB page cache and plain reads made a dashboard's scan over 200k
        # milestones re-read pages through a system call each; memory-mapping the file (the
        # OS page cache, shared by every connection) and a 64 MB cache took a third off the
        # heaviest pages of the benchmark (bench/README.md).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; "
        f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}; PRAGMA cache_size=-{SQLITE_CACHE_KIB};",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("KAM_SQLITE_TEST_NAME") or None}
else:
    DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
LOGIN_URL = "users:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "users:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # The real hasher is slow by design; tests log personas in thousands of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = ["kam.users.backends.PermissionsInOneQuery"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Simplified Chinese by default; English is one click away.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kam" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "kam" / "static",
    # Front-end packages come from npm at setup time and are served by us, never by a CDN.
    ("vendor/alpinejs", NODE_MODULES / "@alpinejs" / "csp" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Attachments: what a sales team really sends around, and nothing that runs.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
ATTACHMENT_EXTENSIONS = {
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv",
    "png", "jpg", "jpeg", "gif", "webp", "zip", "mp3", "m4a", "wav",
}  # fmt: skip
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A strict policy: no inline script or style anywhere, so templates stay CSP-clean.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "kam",
    # Tests run jobs in-process; one test drives a real worker on purpose.
    "immediate": env_bool("HUEY_IMMEDIATE", TESTING),
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": str(VAR_DIR / "jobs.sqlite3")},
    "consumer": {"workers": 2, "worker_type": "thread"},
}
TASKS = {"default": {"BACKEND": "kam.core.jobs.HueyBackend"}}

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kam@localhost")
KAM_BASE_URL = os.environ.get("KAM_BASE_URL", "http://127.0.0.1:8000")  # links in e-mails
# Quotes: a line or overall discount above this percentage needs a discount approval.
KAM_QUOTE_DISCOUNT_THRESHOLD = Decimal(os.environ.get("KAM_QUOTE_DISCOUNT_THRESHOLD", "15"))
KAM_COMPANY_NAME = os.environ.get("KAM_COMPANY_NAME", "本公司")  # the quote PDF letterhead

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
