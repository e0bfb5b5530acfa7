"""Where an item lives: its phone page and its admin page, from an object or from the key
the deadline and reporting sources give it ("task:12", "project:34", "project-start:34",
"project-production:34", "blocker:5"), and whether a request comes from a phone."""

import re
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from cooperation.models import CooperationItem
from projects.models import Blocker, Project
from tracker.models import KeyTask

# tracker.deadline_source and tracker.reporting: "task:<pk>"; projects.reporting:
# "project:<pk>"; projects.deadlines: "project-start:<pk>", "project-production:<pk>";
# problems: "blocker:<pk>"; cooperation items: "cooperation:<pk>".
KEY = re.compile(
    r"^(task|project|project-start|project-production|blocker|cooperation):([0-9]{1,18})$"
)
MODELS = {
    "task": KeyTask,
    "project": Project,
    "project-start": Project,
    "project-production": Project,
    "blocker": Blocker,
    "cooperation": CooperationItem,
}
# The browsers officials read their email in on a phone: the system's, WeChat's,
# WeCom's (企业微信) and DingTalk's.
PHONE = re.compile(r"Mobile|Android|iPhone|iPad|iPod|MicroMessenger|DingTalk|wxwork", re.I)


@dataclass(frozen=True)
class Key:
    model: type
    pk: int

    @property
    def group(self):
        """The key of the object itself: a project's milestones and reports are one item."""
        return f"{PREFIXES[self.model]}:{self.pk}"


PREFIXES = {
    KeyTask: "task",
    Project: "project",
    Blocker: "blocker",
    CooperationItem: "cooperation",
}
# The items with a page of their own on the phone; the others open in the admin.
PHONE_PAGES = {KeyTask: "mobile:task", Project: "mobile:project", Blocker: "mobile:blocker"}


def parse_key(key):
    """The model and id a key names, or None for anything else (including ids past
    bigint, which no row can have)."""
    match = KEY.match(key or "")
    if match is None:
        return None
    pk = int(match.group(2))
    if pk > 2**63 - 1:
        return None
    return Key(MODELS[match.group(1)], pk)


def is_phone(request):
    return bool(PHONE.search(request.headers.get("User-Agent", "")))


def phone_url(model, pk):
    if model not in PHONE_PAGES:
        return admin_url(model, pk)
    return reverse(PHONE_PAGES[model], args=[pk])


class PhoneUrls:
    """``phone_url`` for the many items of one page: each model's URL is reversed once, then
    filled in with each id (a department's page at province scale lists thousands)."""

    MARK = str(2**62)  # an id in the reversed URL, replaced by each item's

    def __init__(self):
        self.templates = {}

    def __call__(self, model, pk):
        if model not in self.templates:
            self.templates[model] = phone_url(model, self.MARK)
        return self.templates[model].replace(self.MARK, str(pk))


def admin_url(model, pk):
    """The object's change page in the admin (the desktop's page), or its phone page when
    the admin has none (a model not registered there)."""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return phone_url(model, pk)
