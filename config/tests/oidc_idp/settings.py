"""Settings of the test's identity provider; everything variable comes from the test."""

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "identity-provider-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "config.tests.oidc_idp.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["IDP_DATABASE"],
        # A throwaway file: no fsync.
        "OPTIONS": {"init_command": "PRAGMA synchronous=OFF"},
    }
}
# Tables straight from the models (migrate --run-syncdb): seconds faster than replaying
# every library migration for a database that lives for one test run.
MIGRATION_MODULES = {app.rpartition(".")[2]: None for app in INSTALLED_APPS}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# Test users log in often; hashing is slow on purpose elsewhere.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["IDP_RSA_PRIVATE_KEY"],
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "Email"},
    "OAUTH2_VALIDATOR_CLASS": "config.tests.oidc_idp.validators.Validator",
}
# What serve.py seeds: the client (the tracker) and the people.
IDP_CLIENT = json.loads(os.environ["IDP_CLIENT"])
IDP_USERS = json.loads(os.environ["IDP_USERS"])
# The request log (django.server) stays: the test counts token requests in it.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
