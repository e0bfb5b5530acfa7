"""The outbox for one-off notices: a domain app tells a department of a step that concerns
it (a problem handed to it to coordinate), through the dispatch log.

``tell_department`` only records the emails (``Dispatch.Kind.NOTICE``), in the caller's
transaction: a step that is rolled back tells nobody, and one that commits is delivered by
the next ``dispatch.deliver_due`` (every few minutes), retried like any other email. No
web request talks to the mail server. Each notice has a key naming its step, and is told
once per key: telling it again (a retried request, a second call) queues nothing.

Domain apps may import this module (and ``notifications.sources``), nothing else of
notifications (config/tests/test_architecture.py).
"""

from django.utils import timezone

from .emails import absolute, item_path, queue_for
from .models import Dispatch
from .recipients import department_addresses, department_of
from .robots import Robots

KEY_MAX_LENGTH = Dispatch._meta.get_field("subject_key").max_length


def link(key, admin_path):
    """The absolute link a notice gives for an item: its phone page (``/m/open/<key>/``),
    else its admin page (see ``emails.item_path``)."""
    return absolute(item_path(key, admin_path))


def told(key, tenant):
    notices = Dispatch.objects.for_tenants([tenant])
    return notices.filter(kind=Dispatch.Kind.NOTICE, subject_key=key).exists()


def tell_department(department_id, *, key, template, context, day=None):
    """Queue the notice ``template`` (``notifications/email/<template>_subject.txt``,
    ``.txt``, ``.html``) to the department's address and officials, and its chat twin
    (``notifications/chat/<template>.md``) to the department's group robots, once per
    ``key``.

    ``key`` names the step (e.g. ``blocker:5:assign:17``, at most 64 characters): a key
    already told queues nothing, whatever the day. The caller makes keys unique per step
    and holds the lock on what the step changes, so two calls never race on one key (and
    the dispatch log's unique key catches two on the same day). ``day``: the day of the
    step (default today); the notice is worth sending for a week after it. The context
    gets ``department`` and ``today``. Returns the dispatches queued (none when told
    already, or when the department has neither an address nor a robot). The notice is
    the department's city's, whoever took the step (a superuser acts for no city).
    """
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"A notice's key has 1 to {KEY_MAX_LENGTH} characters: {key!r}")
    department = department_of(department_id)
    if department is None or told(key, department.tenant_id):
        return []
    day = day or timezone.localdate()
    message = {
        "kind": Dispatch.Kind.NOTICE,
        "subject_key": key,
        "period": day,
        "tenant": department.tenant_id,
        "template": template,
        "context": {**context, "department": department, "today": day},
    }
    return [
        *queue_for(department_addresses(department), **message),
        *Robots(department.tenant_id).queue(department_id, **message),
    ]
