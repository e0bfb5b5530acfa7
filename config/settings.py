"""Settings for the investment-attraction tracker.

Everything comes from environment variables with embedded defaults: with no
variables at all the tracker runs on SQLite under ``var/``, writes emails to
``var/mail/`` and runs Celery over the filesystem, so a fresh laptop needs no
services. ``DATABASE_URL``, ``REDIS_URL`` and ``EMAIL_URL`` switch to the real ones.
"""

import datetime
import ipaddress
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# Everything the tracker generates at run time (database, mail, broker folders)
# lives here; the folder is git-ignored.
VAR_DIR = Path(env.str("TRACKER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# TRACKER_ENV=production turns the embedded defaults off: DEBUG off, a secret key and the
# allowed hosts must come from the environment, cookies are secure and HSTS is sent.
TRACKER_ENV = env.str("TRACKER_ENV", default="development")
if TRACKER_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"TRACKER_ENV must be 'development' or 'production', not {TRACKER_ENV!r}."
    )
PRODUCTION = TRACKER_ENV == "production"


def required_in_production(name, value):
    if PRODUCTION and not value:
        raise ImproperlyConfigured(
            f"{name} must be set when TRACKER_ENV=production (see .env.example and "
            "docs/deployment.md)."
        )
    return value


DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = required_in_production("DJANGO_SECRET_KEY", env.str("DJANGO_SECRET_KEY", default=""))
# The value .env.example ships with: a copied file that was never edited must not sign sessions.
PLACEHOLDER_SECRET_KEY = "replace-me-with-64-random-characters-0123456789abcdefghijklmnopqrstuvwxyz"
if PRODUCTION and (SECRET_KEY == PLACEHOLDER_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be 50 or more random characters, not the placeholder of "
        ".env.example, when TRACKER_ENV=production; make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )
if not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-default"
ALLOWED_HOSTS = required_in_production(
    "DJANGO_ALLOWED_HOSTS",
    env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"]),
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Behind a TLS-terminating proxy (nginx, a load balancer): trust its X-Forwarded-Proto.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.bool("DJANGO_USE_X_FORWARDED_HOST", default=False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
# The health check answers over plain HTTP too, for container and load-balancer probes.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp): the browser runs only scripts served as files by this
# site, so a name from the database that smuggles in markup can never execute. No page needs
# 'unsafe-eval' (ECharts, Swagger UI and the admin run without it; the browser tests check).
# Styles allow 'unsafe-inline' because Django's admin, DRF's browsable API and Swagger UI put
# style attributes and <style> blocks in their own templates, ECharts writes its tooltips as
# markup with style attributes, and the digest preview shows an email, which must carry its
# styles inline; a style cannot run code. The digest preview's srcdoc iframe inherits this
# policy and is sandboxed without allow-scripts (tracker's preview_digest.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_celery_beat",
    # Locks out repeated failed logins (django-axes, AXES_* below), labelled in Chinese.
    "config.axes_app.AxesConfig",
    # Our apps, in the direction of their imports: core <- regions <- tracker <- projects.
    "core",
    # China's working-day calendar and the office's local exceptions; imports only core.
    "workdays",
    "regions",
    "tracker",
    "projects",
    # The cooperation ledger: agreements, platforms, achievements, medical and talent items.
    "cooperation",
    # Reminders and digests: deadlines from TRACKER_DEADLINE_SOURCES, recipients from tracker.
    "notifications",
    # Annual targets, the counting rules and the rankings of counties and departments.
    "performance",
    # The monthly and weekly bulletins (通报): a Word document and an Excel annex.
    "bulletins",
    # My work (我的待办): the officials' phone page over the domain apps' services.
    "mobile",
    # The overview dashboard: a page over the public REST API.
    "dashboard",
    # Seed data: the one place that knows every app.
    "fixtures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY above).
    "csp.middleware.CSPMiddleware",
    # Static files from the web process itself, compressed and cached forever in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.api_guard.ApiGuardMiddleware",  # JSON, never a 500, under /api/
    # ETag on the API's GET answers, 304 on a matching If-None-Match.
    "core.rest.conditional.ConditionalGetMiddleware",
    # A lost database connection: 503 with Retry-After, in the caller's language.
    "core.db_outage.DatabaseOutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # New records of a signed-in request belong to the user's city (core.tenancy).
    "core.tenancy.ActingTenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Lets the audit history record who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
LOGIN_URL = "admin:login"
# Where a login without ?next= lands (the API's /api-auth/login/ would go to a 404).
LOGIN_REDIRECT_URL = "admin:index"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides of the admin (base_site.html) win over the apps'.
        "DIRS": [BASE_DIR / "config" / "templates"],
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

# "transaction" when DATABASE_URL points at PgBouncer in transaction mode (docs/deployment.md).
DATABASE_POOL_MODE = env.str("DATABASE_POOL_MODE", default="session")
if DATABASE_POOL_MODE not in {"session", "transaction"}:
    raise ImproperlyConfigured("DATABASE_POOL_MODE must be 'session' or 'transaction'.")
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A process keeps its connection for DATABASE_CONN_MAX_AGE seconds (0: one per request),
    # and Django tests a kept connection before reusing it (CONN_HEALTH_CHECKS), so the first
    # request after PostgreSQL restarts or fails over reconnects instead of failing on a dead
    # connection. DATABASE_CONNECT_TIMEOUT bounds the wait for a server that does not answer;
    # meanwhile requests get 503 with Retry-After (core/db_outage.py).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    if DATABASE_POOL_MODE == "transaction":
        # Behind PgBouncer in transaction mode a connection is only ours for a transaction:
        # no server-side cursors (Django's .iterator() would hold one across them), and no
        # "options" startup parameter (PgBouncer 1.18 refuses it): jit=off and the time
        # zone are set on the role instead (docs/deployment.md, PgBouncer).
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # Short queries only: JIT compiles the figures' query (performance.counting) for
        # seconds where it runs in a tenth of one at 100,000 projects (docs/targets.md).
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # models.W040: SQLite builds the list's covering index without its INCLUDE column.
    # The index is a PostgreSQL speed-up (docs/benchmarks.md); on the embedded default it
    # is an ordinary index, which is all a laptop needs, so the warning says nothing useful.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Single sign-on through the government's identity provider (OpenID Connect, the
# authorization-code flow with PKCE; tracker/sso.py, docs/integrations.md): on when
# OIDC_RP_CLIENT_ID is set. The provider's endpoints come from its discovery document
# (/.well-known/openid-configuration); ID tokens are signed with RS256 and checked against
# the provider's published keys (JWKS).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
TRACKER_SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
# The provider's issuer ("iss" of its tokens); when set, a token from another issuer is refused.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
# mozilla-django-oidc would wait for ever on a provider that does not answer.
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
# A failed or refused sign-on returns to the login page, which says so.
LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?sso=failed"
# Which claims name the official, their department (Department.sso_code) and, optionally,
# the group whose members are supervisors (empty: supervisors are made in the admin).
TRACKER_OIDC_USERNAME_CLAIM = env.str("TRACKER_OIDC_USERNAME_CLAIM", default="preferred_username")
TRACKER_OIDC_NAME_CLAIM = env.str("TRACKER_OIDC_NAME_CLAIM", default="name")
TRACKER_OIDC_DEPARTMENT_CLAIM = env.str("TRACKER_OIDC_DEPARTMENT_CLAIM", default="department")
TRACKER_OIDC_GROUPS_CLAIM = env.str("TRACKER_OIDC_GROUPS_CLAIM", default="groups")
TRACKER_OIDC_SUPERVISOR_GROUP = env.str("TRACKER_OIDC_SUPERVISOR_GROUP", default="")
# The claim naming the person's city (GB/T 2260 code) when one provider serves several
# cities; empty: everyone signs on into TRACKER_CITY_CODE's city.
TRACKER_OIDC_TENANT_CLAIM = env.str("TRACKER_OIDC_TENANT_CLAIM", default="")
# Local passwords (the admin's and /api-auth/login/'s forms). Off: only single sign-on logs
# people in; API tokens keep working. Turn them back on to use the break-glass superuser.
TRACKER_LOCAL_PASSWORDS = env.bool("TRACKER_LOCAL_PASSWORDS", default=True)
if TRACKER_SSO_ENABLED:
    _oidc_endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
        "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
    }
    _missing = [name for name, value in _oidc_endpoints.items() if not value]
    if _missing or not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set, so single sign-on also needs "
            + ", ".join([*_missing, *([] if OIDC_RP_CLIENT_SECRET else ["OIDC_RP_CLIENT_SECRET"])])
        )
    # The client secret and the codes travel to the token endpoint: never in clear text
    # in production (OIDC_ALLOW_PLAIN_HTTP for a provider reachable only inside a
    # trusted network, at the office's own risk).
    if PRODUCTION and not env.bool("OIDC_ALLOW_PLAIN_HTTP", default=False):
        _plain = [name for name, value in _oidc_endpoints.items() if not value.startswith("https:")]
        if _plain:
            raise ImproperlyConfigured(f"Single sign-on endpoints must use https: {_plain}")
    # Symmetric (HS*) tokens would be checked with the client secret, "none" not at all.
    if OIDC_RP_SIGN_ALGO not in {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}:
        raise ImproperlyConfigured("OIDC_RP_SIGN_ALGO must be RS256 (or RS384/512, ES256/384/512).")
elif not TRACKER_LOCAL_PASSWORDS:
    raise ImproperlyConfigured(
        "TRACKER_LOCAL_PASSWORDS=false needs single sign-on (OIDC_RP_CLIENT_ID): "
        "nobody could log in."
    )

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before any password check
    # and before a sign-on callback is exchanged with the provider.
    "axes.backends.AxesStandaloneBackend",
    *(["tracker.sso.OfficialOIDCBackend"] if TRACKER_SSO_ENABLED else []),
    *(["django.contrib.auth.backends.ModelBackend"] if TRACKER_LOCAL_PASSWORDS else []),
]

# Failed logins (admin and /api-auth/login/): after AXES_FAILURE_LIMIT failures within the
# cool-off for one username, or from one address, logins are refused for AXES_COOLOFF_MINUTES;
# every refused try starts the cool-off anew. Supervisors unlock early by deleting the
# attempt in the admin (访问尝试) or with `manage.py axes_reset_username NAME`.
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # SQLite or PostgreSQL, no Redis
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Per username and per address; a single sign-on callback (no username) per address only
# (tracker.sso.lockout_parameters says why).
AXES_LOCKOUT_PARAMETERS = "tracker.sso.lockout_parameters"
# A success does not wipe the failures: it would wipe those from the same address against
# other accounts too, letting anyone with a login guess others' passwords without limit.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "logins/lockout.html"
AXES_LOCKOUT_CALLABLE = "config.logins.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Every failure is kept for the supervisors (登录失败记录), up to 1000 per username.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# No start-up banner: commands that print JSON to stdout (and the logs) stay clean.
AXES_VERBOSE = False
# Reverse proxies in front of gunicorn that append to X-Forwarded-For (core/client_ip.py);
# 0 means the client connects directly and REMOTE_ADDR is its address.
TRACKER_PROXY_COUNT = env.int("TRACKER_PROXY_COUNT", default=0)
# Invalid API tokens from one address, before it is refused with 429 (DRF rate syntax).
API_INVALID_TOKEN_RATE = env.str("API_INVALID_TOKEN_RATE", default="20/minute")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese by default, English on request (browser or the admin's switch).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
if not PRODUCTION:
    # Where `collectstatic` would write; whitenoise looks for it even when unused.
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
# Evidence files (site photos, contracts, minutes) go through Django's storage API: a local
# folder outside any public URL by default, S3-compatible object storage in production
# (TRACKER_FILE_STORAGE=s3 with the AWS_* variables; docs/deployment.md). Either way they are
# served only through the tracker's own view, which applies the record's rules.
TRACKER_FILE_STORAGE = env.str("TRACKER_FILE_STORAGE", default="local")
if TRACKER_FILE_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif TRACKER_FILE_STORAGE == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files"), "base_url": None},
    }
else:
    raise ImproperlyConfigured("TRACKER_FILE_STORAGE must be 'local' or 's3'.")
STORAGES = {
    "default": _default_storage,
    # Hashed names need `collectstatic` first, which the image runs at build time.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    # The cache holds only rate-limit counters, no record: it fails open when Redis is down
    # (core/cache.py says why). Short socket timeouts bound what a hung Redis costs a
    # request, and after a failure Redis is skipped for RETRY_AFTER seconds, then retried.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,  # Redis on the LAN answers in a millisecond
                "socket_timeout": 0.5,
                "RETRY_AFTER": 5,  # seconds
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A streaming hot standby of the primary (docs/scaling.md): statistics and dashboard reads
# (TRACKER_REPLICA_READS=stats), or every safe API read (api), go to it through
# core.db_router, each user reading their own writes (core.replica); "off" leaves it unused.
# Writes, the admin, Celery and commands always use the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
TRACKER_REPLICA_READS = env.str("TRACKER_REPLICA_READS", default="stats")
if TRACKER_REPLICA_READS not in {"stats", "api", "off"}:
    raise ImproperlyConfigured("TRACKER_REPLICA_READS must be 'stats', 'api' or 'off'.")
# Seconds a replica may lag behind the primary and still serve reads; a user's own writes
# are remembered this long (core.replica).
TRACKER_REPLICA_MAX_LAG = env.int("TRACKER_REPLICA_MAX_LAG", default=10)
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    if not REDIS_URL:
        # Read-your-writes keeps each writer's WAL position in the cache, which every web
        # process must share.
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs REDIS_URL (read-your-writes).")
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    _replica.update(
        {
            key: DATABASES["default"][key]
            for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS")
            if key in DATABASES["default"]
        }
    )
    # An unreachable replica costs a request at most this (the minimum libpq honours);
    # it is then left alone for a while and reads go to the primary (core.replica).
    _replica["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], "connect_timeout": 2}
    # Tests read the default database through this alias: the suite needs no replica.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    if TRACKER_REPLICA_READS != "off":
        DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
        # After authentication (it needs the user), before the views.
        MIDDLEWARE.insert(
            MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
            "core.replica.ReplicaReadsMiddleware",
        )

# Emails: EMAIL_URL (smtp://user:password@host:port) selects an SMTP server; without it
# (allowed only in development) every email is written as a file to var/mail/ for reading.
if required_in_production("EMAIL_URL", env.str("EMAIL_URL", default="")):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")
# Links in emails point here.
SITE_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000")

# Reminders and digests.
TRACKER_DIGEST_HORIZON_DAYS = env.int("TRACKER_DIGEST_HORIZON_DAYS", default=14)
TRACKER_DIGEST_SKIP_EMPTY = env.bool("TRACKER_DIGEST_SKIP_EMPTY", default=True)
# An email lists at most this many items per section, most urgent first, and counts the
# rest with a link to them all; the city-wide emails this many per department.
TRACKER_EMAIL_ROWS = env.int("TRACKER_EMAIL_ROWS", default=20)
TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT = env.int(
    "TRACKER_CITY_EMAIL_ROWS_PER_DEPARTMENT", default=5
)
# A send claimed longer ago than this belongs to a worker that died while sending; another
# worker may take it over. Keep it well above EMAIL_TIMEOUT.
TRACKER_DISPATCH_CLAIM_SECONDS = env.int("TRACKER_DISPATCH_CLAIM_SECONDS", default=600)
# Webhooks and group robots (docs/integrations.md). A receiver or robot platform that does
# not answer within this many seconds counts as down for the run; the user's request never
# waits on it (only the worker delivers).
TRACKER_WEBHOOK_TIMEOUT = env.int("TRACKER_WEBHOOK_TIMEOUT", default=10)
# An endpoint (webhook subscription, group robot) that failed this many deliveries in a row
# is paused and the supervisors are told; about 16 hours with the backoff of the retries.
TRACKER_ENDPOINT_PAUSE_AFTER = env.int("TRACKER_ENDPOINT_PAUSE_AFTER", default=8)
# Messages per minute to one group robot; WeCom and DingTalk both allow 20 (DingTalk then
# blocks the robot for 10 minutes), so keep a margin.
TRACKER_ROBOT_PER_MINUTE = env.int("TRACKER_ROBOT_PER_MINUTE", default=18)
# The hosts a group robot's address may name: officials add robots, and the worker must not
# become their way into the intranet (SSRF). An office running a private WeCom or DingTalk
# adds its hosts; empty allows any host.
TRACKER_ROBOT_HOSTS = env.list(
    "TRACKER_ROBOT_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
)
# /healthz reports the scheduler as down when celery beat has not ticked for this long.
TRACKER_SCHEDULER_MAX_SILENCE_SECONDS = env.int(
    "TRACKER_SCHEDULER_MAX_SILENCE_SECONDS", default=180
)
# /healthz tells anyone only "ok" or "error" per check; the reasons (hosts, errors) go to the
# log, to supervisors logged in, and to callers from these networks (CIDR, comma separated).
TRACKER_HEALTH_DETAIL_NETWORKS = env.list("TRACKER_HEALTH_DETAIL_NETWORKS", default=[])
try:
    for _network in TRACKER_HEALTH_DETAIL_NETWORKS:
        ipaddress.ip_network(_network)
except ValueError as error:
    raise ImproperlyConfigured(f"TRACKER_HEALTH_DETAIL_NETWORKS: {error}") from error
# What /healthz and `manage.py health` check, in this order ({name: dotted path}): core runs
# them and checks the database and Redis; notifications knows whether beat is alive.
TRACKER_HEALTH_CHECKS = {
    "database": "core.health.check_database",
    "redis": "core.health.check_redis",
    "scheduler": "notifications.health.check_scheduler",
    # Degraded (not down) when the official working-day calendar of next year is missing.
    "calendar": "workdays.health.check_calendar",
    # Degraded when the nightly check found the statistics' tally differing from the projects
    # (and did not rebuild it), or has not run for two days.
    "tally": "projects.tally_health.check_tally",
}

# The supervision loop (docs/supervision.md). Reports are owed per cycle: "weekly" (cut-off
# on TRACKER_WEEKLY_CUTOFF, ISO weekday and time) or "monthly" (on TRACKER_MONTHLY_CUTOFF,
# day of month and time); a cut-off on a day off moves to the next working day. Key tasks
# and key projects each have a default, and each task or project may override it.
TRACKER_TASK_REPORT_CYCLE = env.str("TRACKER_TASK_REPORT_CYCLE", default="monthly")
TRACKER_PROJECT_REPORT_CYCLE = env.str("TRACKER_PROJECT_REPORT_CYCLE", default="weekly")
for _setting in ("TRACKER_TASK_REPORT_CYCLE", "TRACKER_PROJECT_REPORT_CYCLE"):
    # tracker.choices.ReportingCycle's names: another value would exempt every record on
    # the default cycle from the reports owed, silently.
    if vars()[_setting] not in ("weekly", "monthly", "none"):
        raise ImproperlyConfigured(
            f"{_setting}: 'weekly', 'monthly' or 'none', not {vars()[_setting]!r}"
        )
TRACKER_WEEKLY_CUTOFF = env.str("TRACKER_WEEKLY_CUTOFF", default="5 17:00")
TRACKER_MONTHLY_CUTOFF = env.str("TRACKER_MONTHLY_CUTOFF", default="25 23:59")
# A department that has not acknowledged (签收) a task this many working days after it was
# assigned is chased with the missing reports.
TRACKER_RECEIPT_WORKING_DAYS = env.int("TRACKER_RECEIPT_WORKING_DAYS", default=2)
# Evidence files: at most this size each; the types are checked on content (core/evidence.py).
TRACKER_EVIDENCE_MAX_BYTES = env.int("TRACKER_EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# Photos larger than this on their long edge are stored resized (core/evidence_images.py); 0: never.
TRACKER_EVIDENCE_IMAGE_MAX_PX = env.int("TRACKER_EVIDENCE_IMAGE_MAX_PX", default=2048)

# Celery: Redis when REDIS_URL is set; otherwise Kombu's filesystem transport,
# which lets a worker and beat on one laptop talk through folders under var/.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Results are kept only when a caller asks (``ignore_result=False``, as tests do): no
    # code reads them, and a process that publishes with results on waits for Redis and,
    # after 20 failed reconnects, must be restarted.
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_IGNORE_RESULT = True
    # When Redis is down the worker and beat wait for it, however long, and reconnect on
    # their own (Celery's default gives up after 100 tries, and on startup warns). No web
    # request publishes: work is recorded in the database (the dispatch log) and beat's
    # scans send it, so nothing waits on the broker.
    CELERY_BROKER_CONNECTION_RETRY = True
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
    CELERY_BROKER_CONNECTION_MAX_RETRIES = None
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    # A frozen Redis (or a half-open connection) must not hang beat or a worker for good.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": 5,
        "socket_connect_timeout": 2,
        "health_check_interval": 30,
    }
else:
    _celery_dir = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # Broadcast (pidbox) tables; kombu's default is ./control in the working directory.
        "control_folder": str(_celery_dir / "control"),
    }
CELERY_TIMEZONE = TIME_ZONE
# Schedules live in the database, editable by supervisors in the admin (django-celery-beat);
# tracker's migrations install the defaults.
CELERY_BEAT_SCHEDULER = "notifications.scheduler:HeartbeatScheduler"
CELERY_TASK_ACKS_LATE = True
# Worker and beat log through LOGGING above, one line per event, like the web process.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Two queues so a long job never holds up an email (docs/scaling.md): reminders, digests and
# deliveries on "notifications"; bulletins, tally checks and other long jobs on "bulk". The
# compose file runs one worker per queue (the bulk worker also helps with notifications).
CELERY_TASK_DEFAULT_QUEUE = "notifications"
CELERY_TASK_ROUTES = {
    "tracker.*": {"queue": "notifications"},
    "notifications.*": {"queue": "notifications"},
    "bulletins.*": {"queue": "bulk"},
    "projects.check_tallies": {"queue": "bulk"},
}

# Reminders and digests collect deadlines from these sources, each a
# notifications.sources.DeadlineSource (notifications imports neither; tracker never
# imports projects).
TRACKER_DEADLINE_SOURCES = [
    "tracker.deadline_source.KeyTaskDeadlines",
    "projects.deadlines.MilestoneDeadlines",
    # Problems (困难问题) owed by their coordinating department by their deadline.
    "projects.blocker_deadlines.BlockerDeadlines",
    # Open cooperation items owed by their department by their deadline.
    "cooperation.deadlines.CooperationDeadlines",
]
# The weekly digests list the open problems by age from these, each a
# notifications.sources.ProblemSource.
TRACKER_OPEN_PROBLEM_SOURCES = [
    "projects.blocker_deadlines.OpenBlockers",
]
# ... and the reports owed on a schedule (按期填报) from these, each a
# notifications.sources.ReportingSource.
TRACKER_REPORTING_SOURCES = [
    "tracker.reporting.KeyTaskReporting",
    "projects.reporting.KeyProjectReporting",
]

# Excel ledgers: .xlsx only, and an import either applies every row or none.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT stays off: it deletes the leading "=" of a text;
# core.excel.LedgerXLSX and core.spreadsheets write such text as text instead.
# An upload larger than this, or with more data rows, is refused with a message asking to
# split it, so that one import never holds a web worker for long (core/uploads.py).
# Preview and confirmation each cost about 25 ms of CPU per row (5,000 rows: 118 s + 99 s),
# so 200 rows keep each request near 5 seconds.
TRACKER_IMPORT_MAX_BYTES = env.int("TRACKER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
TRACKER_IMPORT_MAX_ROWS = env.int("TRACKER_IMPORT_MAX_ROWS", default=200)

# Incremental sync (core.rest.sync): a keyset page never includes rows changed in the last
# this many seconds, so that a transaction still running when a client reads (its rows
# stamped earlier than they commit) is not skipped. Keep it above the longest write
# transaction (an Excel import of TRACKER_IMPORT_MAX_ROWS rows takes about 2 s).
TRACKER_SYNC_SETTLE_SECONDS = env.int("TRACKER_SYNC_SETTLE_SECONDS", default=5)
# Lists: how deep page numbers (?page=N) reach, in rows from either end of a list; deeper
# rows are read by following next_cursor, one index range scan at any depth
# (core.rest.pagination), so no request skips more than this many rows by OFFSET.
TRACKER_PAGE_DEPTH = env.int("TRACKER_PAGE_DEPTH", default=10000)
# Lists are counted exactly up to this many rows (one query over at most cap + 1 rows);
# beyond it the answer says "more than" (count null, count_more_than) unless the project
# tally covers the filters and counts them exactly without reading rows.
TRACKER_COUNT_CAP = env.int("TRACKER_COUNT_CAP", default=10000)
# A text search of the API (?search=) is counted, and reached by page number, this far
# (GitHub's search API stops at 1,000 too); its next_cursor reaches every match. Its
# matches are found by reading each candidate row's text, scattered over the table.
TRACKER_SEARCH_REACH = env.int("TRACKER_SEARCH_REACH", default=1000)

# Targets, rankings and bulletins (docs/targets.md, docs/rankings.md, docs/bulletins.md).
# The documents count projects "of over 100 million yuan" (过亿元项目): the smallest total
# investment, in 万元, that the Beijing-Tianjin-Hebei projects measure counts.
# The city whose county-level divisions and departments are ranked (GB/T 2260 code).
# In a deployment for several cities (docs/tenants.md) it is the home city: the tenant the
# migration makes, and the one a record made outside any city's request belongs to.
TRACKER_CITY_CODE = env.str("TRACKER_CITY_CODE", default="371400")
# Which stages of a city's projects its province (and a region's working group) read as
# rows; a province's statistics always cover every stage of its cities.
# How many different investors a city's leads may ask "is another city in contact?" of
# in a day (projects.courting): enough for real leads, too few to probe by trying names.
TRACKER_COURTING_HINTS_PER_DAY = env.int("TRACKER_COURTING_HINTS_PER_DAY", default=30)
TRACKER_PROVINCE_SHARED_STAGES = env.list(
    "TRACKER_PROVINCE_SHARED_STAGES", default=["signed", "under_construction", "in_operation"]
)
TRACKER_COUNTED_MIN_INVESTMENT = Decimal(env.str("TRACKER_COUNTED_MIN_INVESTMENT", default="10000"))
# The bulletin's red header (the issuing office) and its document number's prefix
# (德协办通〔2023〕12号: the prefix, the year, the month or week number).
TRACKER_BULLETIN_ISSUER = env.str(
    "TRACKER_BULLETIN_ISSUER", default="德州市推进京津冀协同发展工作领导小组办公室"
)
TRACKER_BULLETIN_NUMBER_PREFIX = env.str("TRACKER_BULLETIN_NUMBER_PREFIX", default="德协办通")

REST_FRAMEWORK = {
    # Token first, so that a request without credentials gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.rest.pagination.TrackerPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.rest.renderers.CSVRenderer",
        "core.rest.renderers.XLSXRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.rest.negotiation.StrictFormatNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_RATE", default="600/minute")},
    "EXCEPTION_HANDLER": "core.rest.exceptions.tracker_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "招商引资项目跟踪系统 API",
    "DESCRIPTION": (
        "Projects, key tasks, departments, parks and divisions of the investment-attraction "
        "tracker, and statistics for dashboards. Money is in 万元 (10,000 yuan), as decimal "
        "strings. Authenticate with `Authorization: Bearer <token>` (a token made by a "
        "supervisor in the admin) or a browser session. Lists are paginated (`page`, "
        "`page_size` up to 500) and answer as CSV or .xlsx with `format=csv|xlsx`. Errors: "
        "400 with a message per field, 401 without credentials, 403 when not allowed, "
        "429 with Retry-After when a token exceeds its rate. Messages follow Accept-Language "
        "(zh-hans by default, en)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.rest.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CooperationKindEnum": "cooperation.choices.CooperationKind",
        "CooperationStateEnum": "cooperation.choices.CooperationState",
        "CounterpartKindEnum": "cooperation.choices.CounterpartKind",
        "StageEnum": "projects.choices.Stage",
        "TaskStatusEnum": "tracker.choices.TaskStatus",
        "TaskStateEnum": "tracker.choices.TaskState",
        "LoopActionEnum": "tracker.choices.LoopAction",
        "AudienceEnum": "tracker.choices.Audience",
        "BlockerKindEnum": "projects.choices.BlockerKind",
        "BlockerStateEnum": "projects.choices.BlockerState",
        "BlockerActionEnum": "projects.choices.BlockerAction",
    },
}

# Logs go to stdout, one line per event (JSON in production, so that a log collector can
# read tracebacks and all; plain text on a laptop).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonLineFormatter"},
        "text": {"()": "config.logging.TextLineFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs each login at INFO; its warnings (failures, lockouts) are what matter.
    "loggers": {"axes": {"level": "WARNING"}},
}
