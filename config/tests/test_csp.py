"""The Content-Security-Policy: sent on every page, no inline script in our templates, the
API docs split so that they need none, and the digest preview kept out of the admin's page.

The browser side (no violation on any page, an inline script refused) is in test_browser.py.
"""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MARKUP = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def script_src(policy):
    return next(d for d in policy.split(";") if d.strip().startswith("script-src")).split()[1:]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/projects/project/",
        "/dashboard/",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/v1/projects/?format=api",
    ],
)
def test_every_page_gets_a_policy_without_inline_scripts(admin_client, path):
    response = admin_client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert script_src(policy) == ["'self'"]
    for directive in ("object-src 'none'", "base-uri 'self'", "form-action 'self'"):
        assert directive in policy
    assert "frame-ancestors 'none'" in policy and "img-src 'self' data:" in policy


def test_the_login_page_has_the_policy_too(client):
    assert script_src(client.get("/admin/login/")["Content-Security-Policy"]) == ["'self'"]


class Elements(HTMLParser):
    """Start tags of a page, with their attributes and the text of each <script>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self._in_script = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append([self._in_script, ""])

    def handle_data(self, data):
        if self._in_script is not None:
            self.scripts[-1][1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def parse(html):
    parser = Elements()
    parser.feed(html)
    return parser


def executable_inline_scripts(html):
    """<script> elements with code in the page (JSON data blocks never run)."""
    return [
        text
        for attrs, text in parse(html).scripts
        if "src" not in attrs and attrs.get("type") != "application/json" and text.strip()
    ]


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_as_a_file(admin_client):
    page = admin_client.get("/api/docs/").content.decode()
    assert executable_inline_scripts(page) == []
    sources = [attrs["src"] for attrs, _text in parse(page).scripts]
    assert any("script" in src for src in sources if src.startswith("/api/docs/"))
    script = admin_client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.django_db
def test_the_periodic_task_form_has_its_script_as_a_file(admin_client):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(crontab__isnull=False).first()
    page = admin_client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert executable_inline_scripts(html) == []
    assert "tracker/periodic_task_form.js" in html and 'id="readable-crontabs"' in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_our_page_templates_have_no_inline_script_or_event_handler():
    templates = [
        path
        for path in ROOT.glob("*/templates/**/*.html")
        if ".venv" not in path.parts and "email" not in path.parts  # emails never run scripts
    ]
    assert len(templates) > 5
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates
        if INLINE_SCRIPT.search(path.read_text()) or EVENT_HANDLER.search(path.read_text())
    ]
    assert offenders == []


def test_the_digest_preview_keeps_the_email_in_a_sandboxed_frame(
    client, supervisor_user, dezhou, work_point
):
    from tracker.models import Department, KeyTask

    department = Department.objects.create(name=MARKUP, short_name="markup", division=dezhou)
    KeyTask.objects.create(
        code="KT-MARKUP",
        year=2023,
        title=MARKUP,
        work_point=work_point,
        lead_department=department,
        deadline=datetime.date(2023, 6, 30),
    )
    client.force_login(supervisor_user)
    response = client.get(
        "/admin/notifications/dispatch/preview-digest/",
        {"department": department.pk, "date": "2023-07-03"},
    )
    assert response.status_code == 200
    page = parse(response.content.decode())
    # The admin's own page: no element made from the email or the names in it...
    assert not [attrs for tag, attrs in page.tags if tag == "img" and attrs.get("src") == "x"]
    assert not [text for _attrs, text in page.scripts if "__xss" in text]
    # ...which is all in the frame's srcdoc, escaped once by the email and once for the
    # attribute, so that the frame shows the name as text.
    [frame] = [attrs for tag, attrs in page.tags if tag == "iframe"]
    assert frame["sandbox"] == ""  # no allow-scripts, no allow-same-origin
    assert "KT-MARKUP" in frame["srcdoc"] and "<html" in frame["srcdoc"].lower()
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in frame["srcdoc"]
    email = parse(frame["srcdoc"])
    assert not [tag for tag, _attrs in email.tags if tag in ("script", "img")]
