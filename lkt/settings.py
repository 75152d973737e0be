"""Settings for every environment.

Production differs from development only through the environment. With no environment the
defaults give the embedded demo: SQLite, Celery tasks run eagerly, no Redis needed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

# Lets ModelAdmin[...] and QuerySet[...] be subscripted at run time, as the type hints do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Only the demo and tests may run with the well-known development key.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-lkt-development-only-never-in-production"  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "lkt",
    "actors",
    "careplans",
    "coordination",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lkt.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lkt.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the user has given a TOTP code this session: the admin asks for it (lkt.urls).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Messages added while answering htmx reach the page the user is on (lkt.core.middleware).
    "lkt.core.middleware.HtmxMessagesMiddleware",
    "lkt.core.middleware.UniqueViolationMiddleware",
    # Last: turns a login refused by django-axes into the lock-out answer (lkt.login).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lkt.urls"
WSGI_APPLICATION = "lkt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Django's |date with the number-only formats written out (lkt.core.dates.written).
            "builtins": ["template_partials.templatetags.partials", "lkt.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lkt.core.csrf.django",
            ],
        },
    },
    # The crisis card, the team page and its sections, every page's header (lkt/core/jinja2.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "lkt.core.jinja2.environment",
            "context_processors": [
                "lkt.core.jinja2.i18n",
                "lkt.core.csrf.jinja2",
                # The header's unread count, read only where the menu shows it.
                "coordination.notifications.menu_context.menu",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'lkt.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Connections are kept for a minute unless DATABASE_URL says otherwise (?conn_max_age=0
    # opens one per request): opening one costs more than a page (served by gunicorn, the bare
    # view answered 214 requests a second, 1,264 with kept connections; issue 17), and a kept
    # one keeps its prepared statements.
    if "conn_max_age" not in env.str("DATABASE_URL"):
        DATABASES["default"]["CONN_MAX_AGE"] = 60
    # Parameters bound on the server let psycopg prepare the statements a connection runs again
    # and again (every page's session and user reads, the crisis card): PostgreSQL then skips
    # parsing and planning them. Behind PgBouncer in transaction mode, prepared statements do
    # not survive; set DB_PREPARED_STATEMENTS=false there.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5 if env.bool("DB_PREPARED_STATEMENTS", default=True) else None,
        # A prepared statement must keep its good plan: after five runs PostgreSQL may switch
        # it to a generic plan that ignores the bound user, and the home page's visibility
        # count went from 7 ms to 2.3 s at 500,000 teams (issue 17); custom plans cost a
        # replan of a few tenths of a millisecond. Reads by key only (the crisis card, the
        # team page's sections) keep a generic plan, in a transaction of their own
        # (lkt.core.keyed_plans).
        # JIT compiled that query for 0.28 s: LKT's queries are short OLTP reads, where JIT
        # never pays.
        "options": env.str(
            "DB_SESSION_OPTIONS", default="-c plan_cache_mode=force_custom_plan -c jit=off"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

AUTH_USER_MODEL = "actors.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock-out after repeated failed logins (Normen: protection against password guessing), by
# django-axes: its backend comes first and refuses a locked-out attempt before the password is
# checked. The attempts are rows an auditor reads in the admin (AccessAttempt, AccessFailureLog,
# AccessLog for successful logins).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's password check, for local admin accounts only once ID-porten or HelseID logs
    # people in (LKT_PASSWORD_LOGIN below).
    "lkt.login.PasswordBackend",
    "lkt.login.IdentityBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Keyed on the username *and* the address it is tried from: a stranger failing with the
# legevakt doctor's name locks out only that stranger's address, never her own. Unknown names
# are counted exactly like real ones, so the lock-out tells nothing about who has an account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The cool-off runs from the attempt that locked: tries during it are refused, not counted, so
# "vent 15 minutter" holds for the person who mistyped.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "lkt.login.lockout_response"
# The address of the person, not of the TLS proxy in front (docker-compose.yml): with
# LKT_TRUSTED_PROXIES=n, the n-th address from the right of X-Forwarded-For, which the nearest
# proxy appended and the client cannot forge. The API throttles read it the same way.
LKT_TRUSTED_PROXIES = env.int("LKT_TRUSTED_PROXIES", default=0)
if LKT_TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = LKT_TRUSTED_PROXIES
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


# OpenID Connect: ID-porten logs in patients and relatives, HelseID staff (actors.identity.oidc). Each
# is on when its issuer is set; the client authenticates with private_key_jwt (the private key
# is a PEM or JWK file). The accepted assurance levels and the claims read are settings, since
# the two providers name them differently and HelseID moves its claims between versions.
def _oidc_provider(
    name: str,
    *,
    scopes: str,
    acr_values: str,
    acr_claim: str,
    accepted_acr: list[str],
    pid_claim: str,
) -> dict[str, object] | None:
    prefix = f"OIDC_{name.upper()}_"
    issuer = env.str(prefix + "ISSUER", default="")
    if not issuer:
        return None

    def setting(key: str, default: str) -> str:
        # An empty variable (docker-compose.yml passes every name) means the default.
        return env.str(prefix + key, default="").strip() or default

    accepted = setting("ACCEPTED_ACR", ",".join(accepted_acr))
    return {
        "issuer": issuer.rstrip("/"),
        "client_id": env.str(prefix + "CLIENT_ID"),
        "private_key": env.str(prefix + "PRIVATE_KEY"),
        "key_id": setting("KEY_ID", ""),
        "scopes": setting("SCOPES", scopes),
        "acr_values": setting("ACR_VALUES", acr_values),
        "acr_claim": setting("ACR_CLAIM", acr_claim),
        "accepted_acr": [value.strip() for value in accepted.split(",") if value.strip()],
        "pid_claim": setting("PID_CLAIM", pid_claim),
        "hpr_claim": setting("HPR_CLAIM", "helseid://claims/hpr/hpr_number"),
    }


_OIDC_PROVIDERS = {
    # ID-porten: level substantial (MinID) or high (BankID, Buypass, Commfides); never low.
    "idporten": _oidc_provider(
        "idporten",
        scopes="openid profile",
        acr_values="idporten-loa-substantial",
        acr_claim="acr",
        accepted_acr=["idporten-loa-substantial", "idporten-loa-high"],
        pid_claim="pid",
    ),
    "helseid": _oidc_provider(
        "helseid",
        scopes="openid profile helseid://scopes/identity/pid "
        "helseid://scopes/identity/assurance_level helseid://scopes/hpr/hpr_number",
        acr_values="",
        acr_claim="helseid://claims/identity/assurance_level",
        accepted_acr=["substantial", "high"],
        pid_claim="helseid://claims/identity/pid",
    ),
}
LKT_OIDC_PROVIDERS = {name: config for name, config in _OIDC_PROVIDERS.items() if config}
# Passwords are for the demo and for local admin accounts (with TOTP for the admin). Once a
# provider is configured, patients, relatives and staff log in through it only.
LKT_PASSWORD_LOGIN = env.bool("LKT_PASSWORD_LOGIN", default=not LKT_OIDC_PROVIDERS)
# The admin's TOTP codes name the product in the authenticator app.
OTP_TOTP_ISSUER = "LKT"

# Synthetic national ids (month + 80, as in Skatteetaten's test data) keep demo people
# fictional; production turns them off.
LKT_SYNTHETIC_IDS = env.bool("LKT_SYNTHETIC_IDS", default=True)

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lkt.formats"]
# Where no language is active (a Celery task, a management command): the same one format.
DATE_FORMAT = SHORT_DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = r"j.n.Y \k\l. H:i"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Documents attached to teams, meetings and messages (issue 19). They are patient data: never
# under a public URL (no MEDIA_URL is served), every download goes through the access policy
# (coordination.document_views). By default a folder on disk, a volume in docker-compose; any
# storage of Django's API may replace it through the environment, e.g. S3-compatible storage
# with django-storages: LKT_DOCUMENTS_STORAGE=storages.backends.s3.S3Storage and
# LKT_DOCUMENTS_OPTIONS='{"bucket_name": "lkt-dokumenter", "endpoint_url": "https://...",
# "default_acl": "private", "querystring_auth": true}' (the keys from AWS_* in the environment).
MEDIA_ROOT = env.path("LKT_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
_DOCUMENTS_STORAGE: dict[str, Any] = {
    "BACKEND": env.str(
        "LKT_DOCUMENTS_STORAGE", default="django.core.files.storage.FileSystemStorage"
    ),
    # A JSON object; empty (docker-compose passes "" when unset): the folder under MEDIA_ROOT.
    "OPTIONS": json.loads(env.str("LKT_DOCUMENTS_OPTIONS", default="") or "{}")
    or {"location": str(Path(MEDIA_ROOT) / "documents")},
}
STORAGES["documents"] = _DOCUMENTS_STORAGE
# The largest file one may upload; a scanned discharge summary or a plan from DPS is far less.
LKT_DOCUMENT_MAX_BYTES = env.int("LKT_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Django keeps an upload in memory up to this size, then in a temporary file; the limit above is
# checked on the size Django reports before a byte is read for the type.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Django's database sessions, their read compiled once (lkt.core.sessions).
SESSION_ENGINE = "lkt.core.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token is sent as a header from the page
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^helse/$"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that hangs must not hang pages: the cache only spares queries.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The team page's rendered sections, in each process's own memory: a hit must cost no
    # round trip (lkt.workspace.section_cache). 2,000 entries of 1–20 KB.
    "sections": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sections",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Celery: with no Redis (the demo) tasks run eagerly in the web process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Publishing must not hang a request when Redis is down: give up fast, the outbox keeps the work.
CELERY_TASK_PUBLISH_RETRY = False
# The leader's report renders in under 5 s over 20 000 patients (make bench BENCH=leaders), so a
# run still going after 4 minutes is hung: it is told to stop (the soft limit fails the job with
# a message) and its process is killed a minute later (the hard limit).
LKT_REPORT_JOB_SOFT_TIME_LIMIT = 4 * 60
LKT_REPORT_JOB_TIME_LIMIT = 5 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    # A task whose worker died before acknowledging it (acks_late) is handed out again after
    # this; Redis's default is an hour. A little above the longest a task may run (the report
    # job's hard limit), so a report is not handed to a second worker while the first still
    # renders it. (A slow outbox flush may outlast it: a second flush only skips locked rows.)
    "visibility_timeout": LKT_REPORT_JOB_TIME_LIMIT + 60,
}
# A message a worker has taken but not begun counts toward the visibility timeout too: taking
# one at a time keeps a report queued behind a long task from being handed out twice.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Beat writes a heartbeat as it ticks (lkt.core.beat), which /helse/?full=1 reads; it ticks at
# least once a minute, whatever the schedule, so three minutes without one means it stopped.
CELERY_BEAT_SCHEDULER = "lkt.core.beat:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
# A fixed schedule in code rather than django-celery-beat: the schedule is part of the
# product (reviewed, versioned, tested), not something to edit in an admin at runtime.
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "coordination.tasks.outbox_flush_task", "schedule": 60.0},
    # Every minute: a rød alert escalates 30 minutes after it was sent if nobody acknowledged
    # it, so the sweep must run far more often than that (coordination.phase.alerts.ESCALATE_AFTER).
    "alert-escalate": {"task": "coordination.tasks.alert_escalate_task", "schedule": 60.0},
    # Daily: every reminder is about a date (due in 14 or 2 days, due today, ended), so one
    # run a day says everything on time, before the working day starts; a second run (a
    # retry, a restarted beat) sends nothing twice. Urgent alerts do not wait for it: they are
    # sent by the change that causes them.
    "reminders-sweep": {
        "task": "coordination.tasks.reminders_sweep_task",
        "schedule": crontab(hour=6, minute=30),
    },
    # 07:00 Oslo time (CELERY_TIMEZONE), after the reminders: the daily digest for those who
    # chose it; keyed per user and day, so a second run sends nothing twice.
    "digest-send": {
        "task": "coordination.tasks.digest_send_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # 07:30 Oslo time, when office hours start: last night's contacts and break-glass openings
    # (15:30 yesterday to 07:30 today) to each team's coordinator and deputy; keyed per
    # person and day, so a second run sends nothing twice.
    "night-digest": {
        "task": "coordination.tasks.night_digest_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # --- issue 8: reports ---
    # Daily, at night: leaders' report files are kept a day (coordination.reports.report_jobs.KEEP_FOR).
    "report-jobs-purge": {
        "task": "coordination.tasks.report_jobs_purge_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every two minutes: a report whose worker was lost, or that no worker took, is run again
    # once or failed with a message (coordination.reports.report_jobs.report_jobs_sweep), so the
    # leader's page says what happened within minutes instead of "being made" for an hour.
    "report-jobs-sweep": {
        "task": "coordination.tasks.report_jobs_sweep_task",
        "schedule": 120.0,
    },
    # Nightly, after midnight so the new day's current month is read: the leaders' indicator
    # sums per organisation and month (coordination.reports.indicator_months), so a kommune's
    # report reads a few hundred rows; until it has run, a report computes them itself.
    "indicator-months-refresh": {
        "task": "coordination.tasks.indicator_months_refresh_task",
        "schedule": crontab(hour=0, minute=20),
    },
    # Daily: the access log's partitions for this month and the next three (lkt.core.audit_partitions);
    # a missed day or two changes nothing, the default partition takes what no month holds.
    "accesslog-partitions": {
        "task": "lkt.tasks.accesslog_partitions_task",
        "schedule": crontab(hour=2, minute=45),
    },
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
# Where LKT is reached, for the links in e-mails (which leave the app, so need the host).
LKT_BASE_URL = env.str("LKT_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LKT <ikke-svar@lkt.example.no>")
SMS_BACKEND = env.str("SMS_BACKEND", default="coordination.notifications.sms.LoggingSmsBackend")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "lkt.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "lkt.core.api.exception_handler",
    # Counted in the cache (Redis in production), per user, or per address when logged out.
    # national_id_lookup: finding a patient by fødselsnummer (the crisis lookup, night
    # contacts, registering a patient), per user wherever it is done (lkt.core.throttling says why).
    "DEFAULT_THROTTLE_CLASSES": [
        "lkt.core.throttling.UserRateThrottle",
        "lkt.core.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("LKT_API_RATE_USER", default="600/hour"),
        "anon": env.str("LKT_API_RATE_ANON", default="60/hour"),
        "national_id_lookup": env.str("LKT_NATIONAL_ID_LOOKUP_RATE", default="30/hour"),
    },
    "NUM_PROXIES": LKT_TRUSTED_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# Machine clients of the FHIR API (lkt.fhir.auth): the OAuth 2 issuer whose client-credentials
# tokens LKT accepts (HelseID in production; empty: no bearer tokens at all), the audience the
# tokens must name, and where the issuer's keys are (empty: its discovery document says).
LKT_FHIR_TOKEN_ISSUER = env.str("LKT_FHIR_TOKEN_ISSUER", default="")
LKT_FHIR_TOKEN_AUDIENCE = env.str("LKT_FHIR_TOKEN_AUDIENCE", default="lkt-fhir")
LKT_FHIR_JWKS_URL = env.str("LKT_FHIR_JWKS_URL", default="")

# OpenAPI 3 for the JSON API (/api/schema/) and for the FHIR routes (/api/schema/fhir/, made by
# lkt.fhir.openapi from the same table as the routes); the docs pages (/api/docs/, and
# /api/docs/fhir/ for FHIR) are Swagger UI
# from drf-spectacular-sidecar, served from our own origin, so it loads nothing from outside
# and runs under the CSP without 'unsafe-inline' (lkt.api_docs says how).
SPECTACULAR_SETTINGS = {
    "TITLE": "LKT API",
    "DESCRIPTION": (
        "JSON-API-et til LKT (innlogging med sesjon som sidene). Hver rolle får det samme som "
        "sidene viser den, ikke mer. FHIR R4-grensesnittet har sitt eget skjema: "
        "/api/schema/fhir/."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["lkt.core.api_schema.only_json_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "actors.api_schema.personal_id_is_optional",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would send the schema to validator.swagger.io for its badge: nothing leaves.
    "SWAGGER_UI_SETTINGS": {
        "validatorUrl": None,
        "deepLinking": True,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every step of every PDF at INFO: only its warnings matter (a font or
    # an image it could not use).
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
