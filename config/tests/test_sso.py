"""Single sign-on end to end: the tracker against a real OpenID Connect provider
(django-oauth-toolkit, config/tests/oidc_idp) started as a second process on loopback.

The browser's side of the provider (its login form, the authorization redirect) is walked
with requests; the tracker's side with Django's test client, whose callback exchanges the
code with the live provider (PKCE, client secret), checks the RS256 ID token against the
provider's JWKS and reads the claims from its userinfo endpoint. Nothing is mocked.
"""

import json
import os
import runpy
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from core.testing.admin_forms import admin_form_data
from tracker import roles, sso_accounts
from tracker.choices import OfficialRole
from tracker.sso import LOCAL_PASSWORDS_OFF

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "dezhou-tracker"
CLIENT_SECRET = "a-client-secret-known-to-both-sides"
PASSWORD = "idp-password"


def chinese(msgid):
    """What the page says in its default language (the catalogue holds the Chinese)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


SSO_BUTTON = chinese("Log in with unified identity authentication")
PEOPLE = [
    # username, department code, groups
    ("zhangsan", "SWJ", []),
    ("lisi", "NO-SUCH-CODE", []),
    ("wangwu", "SWJ", []),
    ("zhaoliu", "SWJ", []),
    ("sunqi", "SWJ", []),
    ("zhouba", "SWJ", []),
    ("root", "SWJ", []),
    ("wujiu", None, ["协同办督办"]),
    # A provider serving two cities: each names its city (GB/T 2260) in a "city" claim.
    ("lf-zhang", "SWJ", []),
    ("dz-wang", "SWJ", []),
    ("xx-chen", "SWJ", []),
    ("no-city", "SWJ", []),
]
CITIES = {"lf-zhang": "131000", "dz-wang": "371400", "xx-chen": "999999"}


FAILED_SIGN_ON = (
    "Unified identity authentication did not log you in. Try again; if it keeps failing, ask "
    "the leading group office whether your department is set up for it."
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def private_key_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class Provider:
    def __init__(self, folder):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = folder / "idp.sqlite3"
        self.log = folder / "idp.log"
        people = [
            {
                "username": name,
                "password": PASSWORD,
                "email": f"{name}@example.gov.cn",
                "name": f"测试{name}",
                "department": code,
                "groups": groups,
                "city": CITIES.get(name),
            }
            for name, code, groups in PEOPLE
        ]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.tests.oidc_idp.settings",
            "IDP_DATABASE": str(self.database),
            "IDP_RSA_PRIVATE_KEY": private_key_pem(),
            "IDP_CLIENT": json.dumps(
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uri": "http://testserver/oidc/callback/",
                }
            ),
            "IDP_USERS": json.dumps(people),
        }

    def start(self):
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "config.tests.oidc_idp.serve", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The provider exited: {self.log.read_text()}")
            try:
                if requests.get(self.discovery_url, timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)  # waiting for another process to listen: no clock to drive
        raise RuntimeError(f"The provider did not start: {self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def discovery_url(self):
        return f"{self.url}/o/.well-known/openid-configuration"

    def token_requests(self):
        """How many token requests the provider has answered (its request log)."""
        return self.log.read_text().count('"POST /o/token/ ')

    def change(self, username, **columns):
        """Change a person at the provider (its own database, as its admin would)."""
        with sqlite3.connect(self.database) as db:
            for column, value in columns.items():
                assert column in {"email", "last_name", "first_name"}
                db.execute(
                    f"UPDATE auth_user SET {column} = ? WHERE username = ?", (value, username)
                )


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = Provider(tmp_path_factory.mktemp("idp")).start()
    yield running
    running.stop()


@pytest.fixture
def sso(settings, provider):
    """The tracker with single sign-on on, pointed at the live provider."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/o/.well-known/jwks.json"
    settings.OIDC_OP_ISSUER = f"{provider.url}/o"
    settings.TRACKER_SSO_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "tracker.sso.OfficialOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.ROOT_URLCONF = "config.tests.oidc_idp.tracker_urls"
    return settings


@pytest.fixture
def commerce(department):
    department.sso_code = "SWJ"
    department.save()
    return department


@pytest.fixture
def langfang_commerce(db):
    """Langfang, a second city, whose commerce bureau has the same code "SWJ"."""
    from regions.choices import DivisionLevel, TenantKind
    from regions.models import Division, Tenant
    from tracker.models import Department

    hebei = Division.objects.create(code="130000", name="河北省", level=DivisionLevel.PROVINCE)
    langfang = Division.objects.create(
        code="131000", name="廊坊市", level=DivisionLevel.PREFECTURE_CITY, parent=hebei
    )
    Tenant.objects.create(code="131000", name="廊坊市", kind=TenantKind.CITY)
    return Department.objects.create(
        tenant_id="131000",
        name="廊坊市商务局",
        short_name="廊坊商务局",
        division=langfang,
        sso_code="SWJ",
    )


def authorize(client, provider, username, address="127.0.0.1"):
    """Start at the tracker, log in at the provider; the callback URL the provider sends the
    browser back to (not yet followed)."""
    start = client.get("/oidc/authenticate/?next=/admin/", REMOTE_ADDR=address)
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.url}/o/authorize/")
    browser = requests.Session()
    form = browser.get(start["Location"], timeout=10)  # → the provider's login form
    assert form.status_code == 200 and "/accounts/login/" in form.url
    logged_in = browser.post(
        form.url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlsplit(form.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert logged_in.status_code == 302, logged_in.text[:500]
    authorized = browser.get(
        urljoin(provider.url, logged_in.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert authorized.status_code == 302, authorized.text[:500]
    callback = authorized.headers["Location"]
    assert callback.startswith("http://testserver/oidc/callback/?")
    return callback.removeprefix("http://testserver")


def sign_on(client, provider, username, address="127.0.0.1"):
    callback = authorize(client, provider, username, address)
    return client.get(callback, REMOTE_ADDR=address)


def signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def refused(response):
    return response.status_code == 302 and response["Location"] == "/admin/login/?sso=failed"


def test_a_first_login_creates_the_official_in_the_department_the_claim_names(
    client, sso, provider, commerce
):
    response = sign_on(client, provider, "zhangsan")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    user = signed_in_as(client)
    assert user.username == "zhangsan" and user.first_name == "测试zhangsan"
    assert user.email == "zhangsan@example.gov.cn"
    assert not user.has_usable_password() and user.is_staff and not user.is_superuser
    assert user.official.department == commerce
    assert user.official.role == OfficialRole.HANDLER and not user.official.is_supervisor
    assert list(user.groups.all()) == [Group.objects.get(name=roles.OFFICIALS)]
    assert client.get("/admin/").status_code == 200

    # A second login (another browser) updates the email and creates nobody.
    provider.change("zhangsan", email="zhang.san@example.gov.cn")
    again = Client()
    assert sign_on(again, provider, "zhangsan")["Location"] == "/admin/"
    assert signed_in_as(again) == user
    user.refresh_from_db()
    assert user.email == "zhang.san@example.gov.cn"
    assert get_user_model().objects.filter(username="zhangsan").count() == 1


def test_an_unknown_department_code_is_refused_and_creates_nothing(client, sso, provider, commerce):
    users = get_user_model().objects.count()
    response = sign_on(client, provider, "lisi")
    assert refused(response)
    assert signed_in_as(client) is None
    assert get_user_model().objects.count() == users
    page = client.get(response["Location"]).content.decode()
    assert chinese(FAILED_SIGN_ON) in page and SSO_BUTTON in page


def test_a_provider_username_never_takes_over_a_superuser(client, sso, provider, commerce):
    root = get_user_model().objects.create_superuser("root", password="break-glass-password")
    assert refused(sign_on(client, provider, "root"))
    assert signed_in_as(client) is None
    root.refresh_from_db()
    assert root.check_password("break-glass-password") and root.email == ""


def test_the_supervisor_group_makes_a_supervisor_without_a_department(
    client, sso, provider, commerce
):
    sso.TRACKER_OIDC_SUPERVISOR_GROUP = "协同办督办"
    assert sign_on(client, provider, "wujiu")["Location"] == "/admin/"
    user = signed_in_as(client)
    assert user.official.is_supervisor and user.official.department is None
    assert list(user.groups.all()) == [Group.objects.get(name=roles.SUPERVISORS)]


def test_with_local_passwords_off_only_single_sign_on_logs_in_and_permissions_hold(
    client, sso, provider, commerce, make_official, project
):
    local = make_official("local-official", commerce)  # password "secret-password"
    sso.TRACKER_LOCAL_PASSWORDS = False
    sso.AUTHENTICATION_BACKENDS = sso.AUTHENTICATION_BACKENDS[:2]  # as settings.py builds it

    page = client.get("/admin/login/").content.decode()
    assert SSO_BUTTON in page and 'id="login-form"' not in page
    for path in ("/admin/login/?next=/admin/", "/api-auth/login/"):
        answer = client.post(path, {"username": local.username, "password": "secret-password"})
        assert answer.status_code == 200 and signed_in_as(client) is None
        assert chinese(LOCAL_PASSWORDS_OFF) in answer.content.decode()
    assert SSO_BUTTON in client.get("/api-auth/login/").content.decode()

    assert sign_on(client, provider, "wangwu")["Location"] == "/admin/"
    user = signed_in_as(client)
    assert client.session["_auth_user_backend"] == "tracker.sso.OfficialOIDCBackend"
    # Permissions come from the sign-on backend (a ModelBackend), the only one left.
    assert user.has_perm("projects.change_project") and not user.has_perm("auth.add_user")
    change_page = client.get(f"/admin/projects/project/{project.pk}/change/")
    assert change_page.status_code == 200 and 'name="_save"' in change_page.content.decode()


def test_a_locked_out_address_cannot_complete_single_sign_on(client, sso, provider, commerce):
    address = "198.51.100.23"
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        Client().post(
            "/admin/login/?next=/admin/",
            {"username": name, "password": "guess"},
            REMOTE_ADDR=address,
        )
    response = sign_on(client, provider, "zhaoliu", address=address)
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert signed_in_as(client) is None
    assert not get_user_model().objects.filter(username="zhaoliu").exists()
    # The lockout is the address's, not single sign-on's: another address signs on.
    assert sign_on(Client(), provider, "zhaoliu", address="203.0.113.5")["Location"] == "/admin/"


def test_failed_callbacks_lock_their_address_only(client, sso):
    session = Client()
    for _ in range(5):
        session.get("/oidc/authenticate/", REMOTE_ADDR="198.51.100.99")
        state = next(iter(session.session["oidc_states"]))
        # A made-up code: the provider refuses it, the login fails and is counted.
        session.get(f"/oidc/callback/?code=made-up&state={state}", REMOTE_ADDR="198.51.100.99")
    session.get("/oidc/authenticate/", REMOTE_ADDR="198.51.100.99")
    state = next(iter(session.session["oidc_states"]))
    locked = session.get(f"/oidc/callback/?code=x&state={state}", REMOTE_ADDR="198.51.100.99")
    assert locked.status_code == 429
    # Five failures with no username do not lock everybody else's single sign-on out.
    client.get("/oidc/authenticate/", REMOTE_ADDR="203.0.113.77")
    state = next(iter(client.session["oidc_states"]))
    other = client.get(f"/oidc/callback/?code=x&state={state}", REMOTE_ADDR="203.0.113.77")
    assert refused(other)


def test_state_nonce_and_pkce_hold(client, sso, provider, commerce):
    # Forged: a state this browser never started is refused before the provider is asked.
    client.get("/oidc/authenticate/")
    forged = client.get("/oidc/callback/?code=anything&state=not-a-state-of-this-session")
    assert forged.status_code == 400 and signed_in_as(client) is None

    # A code made for another browser's login (its PKCE verifier, its nonce) is refused.
    victim = Client()
    stolen_code = parse_qs(urlsplit(authorize(victim, provider, "sunqi")).query)["code"][0]
    client.get("/oidc/authenticate/")
    state = list(client.session["oidc_states"])[-1]
    assert refused(client.get(f"/oidc/callback/?code={stolen_code}&state={state}"))
    assert signed_in_as(client) is None

    # A nonce that does not match the ID token's is refused.
    callback = authorize(client, provider, "sunqi")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "another-nonce"
    session.save()
    assert refused(client.get(callback)) and signed_in_as(client) is None

    # A callback that worked cannot be replayed, in the same browser (its state is used
    # up) or in another one (which never started a login).
    callback = authorize(client, provider, "sunqi")
    client.get("/oidc/authenticate/")  # another login started in the same browser
    assert client.get(callback)["Location"] == "/admin/"
    assert client.get(callback).status_code == 400
    attacker = Client()
    assert refused(attacker.get(callback)) and signed_in_as(attacker) is None


def test_a_password_form_never_triggers_a_code_exchange(client, sso, provider, commerce):
    # Credentials posted to a URL that carries ?code=&state= reach the sign-on backend too;
    # it leaves them alone: the provider sees no token request.
    client.get("/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    before = provider.token_requests()
    answer = client.post(
        f"/admin/login/?code=x&state={state}", {"username": "zhouba", "password": PASSWORD}
    )
    assert answer.status_code == 200 and signed_in_as(client) is None
    assert provider.token_requests() == before
    # The same callback through the sign-on view does ask the provider (and fails).
    assert refused(client.get(f"/oidc/callback/?code=x&state={state}"))
    assert provider.token_requests() == before + 1


def test_supervisors_set_a_departments_code_in_the_admin(
    client, department, supervisor_user, official_user
):
    url = f"/admin/tracker/department/{department.pk}/change/"
    client.force_login(supervisor_user)
    page = client.get(url)
    bad = client.post(url, admin_form_data(page, sso_code="S WJ"))
    assert bad.status_code == 200 and bad.context["adminform"].form.errors["sso_code"]
    assert client.post(url, admin_form_data(page, sso_code="SWJ")).status_code == 302
    department.refresh_from_db()
    assert department.sso_code == "SWJ"
    # Emptied, it is no code at all (NULL), so that many departments may have none.
    client.post(url, admin_form_data(client.get(url), sso_code=""))
    department.refresh_from_db()
    assert department.sso_code is None

    client.force_login(official_user)
    assert client.post(url, admin_form_data(page, sso_code="HACK")).status_code == 403
    department.refresh_from_db()
    assert department.sso_code is None


CLAIM_NAMES = {
    "username_claim": "preferred_username",
    "name_claim": "name",
    "department_claim": "department",
    "groups_claim": "groups",
    "group": "",
}


@pytest.mark.parametrize(
    "claims",
    [
        {"department": "SWJ"},  # no username
        {"preferred_username": "", "department": "SWJ"},
        {"preferred_username": "a" * 151, "department": "SWJ"},
        {"preferred_username": "<script>", "department": "SWJ"},
        {"preferred_username": "zhang san", "department": "SWJ"},
        {"preferred_username": ["zhangsan"], "department": "SWJ"},
        {"preferred_username": "zhangsan", "department": ["SWJ"]},
        {"preferred_username": "zhangsan", "department": "SWJ\n"},
        {"preferred_username": "zhangsan", "department": "S" * 65},
    ],
)
def test_malformed_claims_are_refused(claims):
    with pytest.raises(sso_accounts.Refused):
        sso_accounts.identity_from(claims, **CLAIM_NAMES)


def test_names_and_emails_from_claims_are_made_safe_or_dropped():
    identity = sso_accounts.identity_from(
        {
            "preferred_username": "张三.zhang",
            "name": '=HYPERLINK("x")\n<b>张三</b>\x00' + "长" * 200,
            "email": "not an address",
            "department": 3714,
            "groups": "协同办督办",
        },
        **{**CLAIM_NAMES, "group": "协同办督办"},
    )
    assert identity.username == "张三.zhang" and identity.department_code == "3714"
    assert "\n" not in identity.full_name and "\x00" not in identity.full_name
    assert len(identity.full_name) == 150  # Django's first_name; escaped on every page
    assert identity.email is None and identity.is_supervisor is True


SSO_ENVIRONMENT = {
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.gov.cn/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.gov.cn/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.gov.cn/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.gov.cn/jwks",
}
PRINT_BACKENDS = "from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS)"


def start_django(**environment):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    return subprocess.run(
        [sys.executable, "-c", PRINT_BACKENDS], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_environment_turns_single_sign_on_on_and_local_passwords_off(settings):
    started = start_django(**SSO_ENVIRONMENT, TRACKER_LOCAL_PASSWORDS="false")
    assert started.returncode == 0, started.stderr
    backends = started.stdout.splitlines()[-1]
    assert backends == "['axes.backends.AxesStandaloneBackend', 'tracker.sso.OfficialOIDCBackend']"
    # config.urls adds the oidc/ URLs when single sign-on is on (run afresh, not re-imported).
    settings.TRACKER_SSO_ENABLED = True
    routes = [str(p.pattern) for p in runpy.run_path(str(ROOT / "config/urls.py"))["urlpatterns"]]
    assert "oidc/" in routes
    settings.TRACKER_SSO_ENABLED = False
    routes = [str(p.pattern) for p in runpy.run_path(str(ROOT / "config/urls.py"))["urlpatterns"]]
    assert "oidc/" not in routes


@pytest.mark.parametrize(
    "environment, says",
    [
        ({**SSO_ENVIRONMENT, "OIDC_OP_JWKS_ENDPOINT": ""}, "OIDC_OP_JWKS_ENDPOINT"),
        ({**SSO_ENVIRONMENT, "OIDC_RP_SIGN_ALGO": "HS256"}, "OIDC_RP_SIGN_ALGO"),
        ({"TRACKER_LOCAL_PASSWORDS": "false"}, "nobody could log in"),
    ],
)
def test_a_configuration_nobody_could_log_in_with_safely_refuses_to_start(environment, says):
    started = start_django(**environment)
    assert started.returncode != 0 and "ImproperlyConfigured" in started.stderr
    assert says in started.stderr


def test_a_city_claim_places_each_official_in_the_department_of_their_own_city(
    client, sso, provider, commerce, langfang_commerce
):
    sso.TRACKER_OIDC_TENANT_CLAIM = "city"
    assert sign_on(client, provider, "lf-zhang")["Location"] == "/admin/"
    langfang_user = signed_in_as(client)
    assert langfang_user.official.tenant_id == "131000"
    assert langfang_user.official.department == langfang_commerce
    # Reach is never a claim's: a city official reads their own city only.
    assert langfang_user.official.reach == "city" and langfang_user.official.region is None

    dezhou = Client()
    assert sign_on(dezhou, provider, "dz-wang")["Location"] == "/admin/"
    dezhou_user = signed_in_as(dezhou)
    assert dezhou_user.official.tenant_id == "371400"
    assert dezhou_user.official.department == commerce

    # A second login keeps each in their city and department.
    assert sign_on(Client(), provider, "lf-zhang")["Location"] == "/admin/"
    langfang_user.official.refresh_from_db()
    assert langfang_user.official.department == langfang_commerce


def test_an_unknown_or_missing_city_code_is_refused_and_creates_nothing(
    client, sso, provider, commerce, langfang_commerce
):
    sso.TRACKER_OIDC_TENANT_CLAIM = "city"
    users = get_user_model().objects.count()
    for username in ("xx-chen", "no-city"):  # 999999 is no city here; the other names none
        session = Client()
        assert refused(sign_on(session, provider, username))
        assert signed_in_as(session) is None
    assert get_user_model().objects.count() == users


def test_without_a_city_claim_everyone_signs_on_into_the_home_city(
    client, sso, provider, commerce, langfang_commerce
):
    # TRACKER_OIDC_TENANT_CLAIM is empty (one city's deployment): a city the provider
    # happens to send is not read, and "SWJ" is the home city's department.
    assert not getattr(sso, "TRACKER_OIDC_TENANT_CLAIM", "")
    assert sign_on(client, provider, "lf-zhang")["Location"] == "/admin/"
    user = signed_in_as(client)
    assert user.official.tenant_id == "371400" and user.official.department == commerce


def identity(tenant_code, department_code="SWJ", username="moved"):
    return sso_accounts.Identity(
        username=username,
        full_name="测试",
        email=None,
        department_code=department_code,
        is_supervisor=None,
        tenant_code=tenant_code,
    )


def test_an_account_stays_in_its_city_whatever_a_later_login_claims(commerce, langfang_commerce):
    user = sso_accounts.create_official_from_sso(identity("371400"))
    assert user.official.tenant_id == "371400" and user.official.department == commerce
    with pytest.raises(sso_accounts.Refused):
        sso_accounts.update_official_from_sso(user, identity("131000"))
    user.official.refresh_from_db()
    assert user.official.tenant_id == "371400" and user.official.department == commerce
    # A department code only the other city has is no department of this one.
    langfang_commerce.sso_code = "LFSWJ"
    langfang_commerce.save()
    with pytest.raises(sso_accounts.Refused):
        sso_accounts.create_official_from_sso(identity("371400", "LFSWJ", "another"))
    assert not get_user_model().objects.filter(username="another").exists()


@pytest.mark.parametrize("city", [None, "", "13100", "1310000", "abc123", ["131000"], True])
def test_a_malformed_city_claim_is_refused(city):
    claims = {"preferred_username": "zhangsan", "department": "SWJ"}
    if city is not None:
        claims["city"] = city
    with pytest.raises(sso_accounts.Refused):
        sso_accounts.identity_from(claims, **CLAIM_NAMES, tenant_claim="city")


def test_a_city_claim_is_read_as_a_code():
    claims = {"preferred_username": "zhangsan", "department": "SWJ", "city": 131000}
    found = sso_accounts.identity_from(claims, **CLAIM_NAMES, tenant_claim="city")
    assert found.tenant_code == "131000"
    assert sso_accounts.identity_from(claims, **CLAIM_NAMES).tenant_code is None
