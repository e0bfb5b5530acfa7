"""My work (我的待办): what a department must do now, most urgent first, read through the
same rules as the reminders, the missing-reports API and the escalation ladder.

An item is one task, project or problem; it lists every reason it is there (a receipt owed,
a report missing this cycle, a deadline passed with the rung of the ladder it reached, a
problem to coordinate, a completion request returned). Items sort by their most urgent
reason: late first (past a cut-off or a deadline), then what is to be done, then what
waits on the office; within each, the earliest date first. The number of queries does not
grow with the number of items.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.owed import count_owed, owed_items
from notifications.sources import OWED_RECEIPT, count_open, open_items
from projects.choices import BlockerState
from projects.models import Blocker
from tracker.choices import LoopAction, TaskState
from tracker.ladder import LoopContext, rung_at, working_days_after_deadline
from tracker.models import Department, KeyTask, TaskTransition
from tracker.reporting import receipt_due

from .access import own_city
from .links import PhoneUrls, parse_key

LATE, TO_DO, WAITING = 0, 1, 2
TONES = {LATE: "late", TO_DO: "to-do", WAITING: "waiting"}
# How many rows each of the office's lists shows (the counts say how many in all).
OFFICE_ROWS = 20


@dataclass(frozen=True)
class Reason:
    tier: int
    date: datetime.date | None
    text: str

    @property
    def tone(self):
        return TONES[self.tier]


@dataclass
class WorkItem:
    key: str
    kind: str
    code: str
    title: str
    url: str
    reasons: list = field(default_factory=list)

    @property
    def urgency(self):
        tier, date = min((r.tier, r.date or datetime.date.max) for r in self.reasons)
        return (tier, date, self.code, self.key)

    @property
    def tone(self):
        return TONES[self.urgency[0]]


class Work:
    """Items by key, each with its reasons; ``items()`` sorted, most urgent first."""

    def __init__(self):
        self.by_key = {}
        self.url = PhoneUrls()

    def add(self, key, *, kind, code, title, url, reason):
        item = self.by_key.setdefault(key, WorkItem(key, str(kind), code, title, url))
        item.reasons.append(reason)

    def items(self):
        return sorted(self.by_key.values(), key=lambda item: item.urgency)


def local_day(moment):
    return timezone.localdate(moment) if moment else None


def department_work(user, department_id, context=None):
    """The department's items for ``user`` (an official of it), most urgent first."""
    context = context or LoopContext()
    work = Work()
    add_receipts(work, department_id, context)
    add_returned(work, department_id)
    add_missing_reports(work, department_id, context)
    add_deadlines(work, department_id, context)
    add_problems(work, user, department_id, context)
    return work.items()


def add_receipts(work, department_id, context):
    """Key tasks handed to the department and not acknowledged (签收)."""
    tasks = KeyTask.objects.filter(lead_department_id=department_id, state=TaskState.ASSIGNED)
    for task in tasks.only("pk", "code", "title", "assigned_at", "lead_department_id"):
        due = receipt_due(task, context.calendar) if task.assigned_at else None
        late = due is not None and due <= context.now
        text = (
            _("Acknowledge receipt; it was due on %(date)s") if late else _("Acknowledge receipt")
        )
        date = local_day(due)
        work.add(
            f"task:{task.pk}",
            kind=_("key task"),
            code=task.code,
            title=task.title,
            url=reverse("mobile:task_receive", args=[task.pk]),
            reason=Reason(LATE if late else TO_DO, date, text % {"date": date}),
        )


def add_returned(work, department_id):
    """Tasks whose completion request the office returned (退回): work goes on."""
    latest = TaskTransition.objects.filter(task=OuterRef("pk")).order_by("-at", "-pk")
    tasks = (
        KeyTask.objects.filter(lead_department_id=department_id, state=TaskState.IN_PROGRESS)
        .annotate(
            last_action=Subquery(latest.values("action")[:1]),
            last_note=Subquery(latest.values("note")[:1]),
        )
        .filter(last_action=LoopAction.RETURN)
        .only("pk", "code", "title", "deadline")
    )
    for task in tasks:
        work.add(
            f"task:{task.pk}",
            kind=_("key task"),
            code=task.code,
            title=task.title,
            url=work.url(KeyTask, task.pk),
            reason=Reason(
                TO_DO,
                task.deadline,
                _("Completion request returned: %(note)s") % {"note": task.last_note},
            ),
        )


def add_missing_reports(work, department_id, context):
    """Progress reports owed at the latest cut-off of their cycle and not given (按期填报),
    as the missing-reports API computes them for one department."""
    text = _("No report this cycle (cut-off %(date)s)")  # translated once per page
    for item in owed_items(context.now, context.calendar, department_id):
        if item.what == OWED_RECEIPT:
            continue  # add_receipts lists every task awaiting receipt, late or not
        key = parse_key(item.key)
        date = local_day(item.cutoff)
        work.add(
            key.group if key else item.key,
            kind=item.kind,
            code=item.code,
            title=item.title,
            url=work.url(key.model, key.pk) if key else item.admin_path,
            reason=Reason(LATE, date, text % {"date": date}),
        )


def horizon(context):
    """The latest deadline an item can have and already be on a rung of the ladder."""
    ahead = max(0, -context.rungs[0].working_days) if context.rungs else 0
    return context.calendar.add_workdays(context.today, ahead)


def deadline_texts():
    """The two texts of a deadline reason, translated once per page, not once per item."""
    return (
        _("%(what)s due %(date)s: %(days)d working days overdue"),
        _("%(what)s due %(date)s: %(days)d working days left"),
    )


def deadline_text(item, offset, overdue, rung, texts):
    values = {"what": item.kind, "date": item.due_on, "days": abs(offset)}
    text = (texts[0] if overdue else texts[1]) % values
    return f"{text} · {rung.name}" if rung else text


def add_deadlines(work, department_id, context):
    """Open items past their deadline, or on a rung of the escalation ladder, with it."""
    texts, project = deadline_texts(), _("project")
    places = {}  # due date -> (working days after it, rung): items share their dates

    def place(due_on):
        if due_on not in places:
            offset = working_days_after_deadline(due_on, context.today, context.calendar)
            places[due_on] = offset, rung_at(offset, context.rungs)
        return places[due_on]

    for item in open_items(horizon(context), department_id):
        offset, rung = place(item.due_on)
        overdue = item.due_on < context.today
        if not overdue and rung is None:
            continue
        key = parse_key(item.key)
        work.add(
            key.group if key else item.key,
            kind=project if key and key.group.startswith("project") else item.kind,
            code=item.code,
            title=item.title,
            url=work.url(key.model, key.pk) if key else item.admin_path,
            reason=Reason(
                LATE if overdue else TO_DO,
                item.due_on,
                deadline_text(item, offset, overdue, rung, texts),
            ),
        )


def blocked_code(blocker):
    blocked = blocker.project if blocker.project_id else blocker.task
    return blocked.code


def add_problems(work, user, department_id, context):
    """Problems the department coordinates, and those it raised awaiting the office."""
    # coordinated_by gives a supervisor every problem: of their own city only, here.
    coordinated = (
        own_city(Blocker.objects.all(), user)
        .coordinated_by(user)
        .unsolved()
        .select_related("project", "task")
    )
    for blocker in coordinated:
        late = blocker.deadline is not None and blocker.deadline < context.today
        text = _("Coordinate its solution by %(date)s") % {"date": blocker.deadline}
        add_problem(work, blocker, Reason(LATE if late else TO_DO, blocker.deadline, text))
    waiting = Blocker.objects.filter(
        raising_department_id=department_id, state=BlockerState.OPEN
    ).select_related("project", "task")
    for blocker in waiting:
        day = local_day(blocker.raised_at)
        text = _("Raised on %(date)s; awaiting the office's assignment") % {"date": day}
        add_problem(work, blocker, Reason(WAITING, day, text))


def add_problem(work, blocker, reason):
    work.add(
        f"blocker:{blocker.pk}",
        kind=_("problem"),
        code=blocked_code(blocker),
        title=blocker.title,
        url=work.url(Blocker, blocker.pk),
        reason=reason,
    )


@dataclass
class OfficeWork:
    """The leading group office's view: what waits on it, and how the departments stand."""

    counts: list  # [(label, number)]
    completion_requests: list
    problems_to_assign: list
    defaulters: list  # [(department, owed count)], most first


def office_work(user, context=None):
    """The office's view of ``user``'s own city (every city for a superuser)."""
    context = context or LoopContext()
    names = dict(own_city(Department.objects.all(), user).values_list("pk", "short_name"))
    owed = count_owed(context.now, context.calendar)
    by_department = {pk: counts for pk, counts in owed.items() if pk in names}
    past = count_open(context.today - datetime.timedelta(days=1))
    overdue = sum(number for pk, number in past.items() if pk in names)
    tasks, blockers = own_city(KeyTask.objects.all(), user), own_city(Blocker.objects.all(), user)
    requests = tasks.filter(state=TaskState.COMPLETION_REQUESTED)
    to_assign = blockers.filter(state=BlockerState.OPEN)
    states = Counter(blockers.unsolved().order_by().values_list("state", flat=True).iterator())
    counts = [
        (_("Completion requests to close"), requests.count()),
        (_("Problems awaiting assignment"), states[BlockerState.OPEN]),
        (_("Problems being coordinated"), states[BlockerState.COORDINATING]),
        (_("Problems escalated"), states[BlockerState.ESCALATED]),
        (_("Tasks awaiting receipt"), tasks.filter(state=TaskState.ASSIGNED).count()),
        (_("Reports missing this cycle"), sum(c["reports"] for c in by_department.values())),
        (_("Items past their deadline"), overdue),
    ]
    totals = sorted(
        ((names.get(pk, "?"), c["reports"] + c["receipts"]) for pk, c in by_department.items()),
        key=lambda row: (-row[1], row[0]),
    )
    return OfficeWork(
        counts=counts,
        completion_requests=list(
            requests.select_related("lead_department").order_by("deadline", "code")[:OFFICE_ROWS]
        ),
        problems_to_assign=list(
            to_assign.select_related("raising_department", "project", "task").order_by(
                "raised_at", "pk"
            )[:OFFICE_ROWS]
        ),
        defaulters=totals[:OFFICE_ROWS],
    )
