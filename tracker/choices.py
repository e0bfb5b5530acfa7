from django.db import models
from django.utils.translation import gettext_lazy as _


class Aspect(models.TextChoices):
    """The five aspects (方面) the 2023 work points are grouped under."""

    INDUSTRY = "industry", _("Industrial integration")
    MARKET = "market", _("Market integration")
    PLATFORM = "platform", _("Platform integration")
    POLICY = "policy", _("Policy integration")
    XIONGAN = "xiongan", _("Serving the construction of Xiong'an New Area")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# A task in one of these states still owes work, so its deadline counts.
OPEN_TASK_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


class TaskState(models.TextChoices):
    """Where a key task is in the supervision loop (督办闭环).

    交办 → 签收 → 按期填报 → 申请办结 → 销号, or 退回 back to work; 取消 ends it.
    """

    ASSIGNED = "assigned", _("Assigned, awaiting receipt")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETION_REQUESTED = "completion_requested", _("Completion requested")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The department still owes work (reports, the deadline) in these states; a task awaiting
# close-out waits on the supervisors, so it is not chased.
CHASED_TASK_STATES = (TaskState.ASSIGNED, TaskState.RECEIVED, TaskState.IN_PROGRESS)

# The state each status maps to, for tasks that existed before the loop (migration 0011)
# and for a supervisor's report that sets a status directly.
STATE_OF_STATUS = {
    TaskStatus.NOT_STARTED: TaskState.RECEIVED,
    TaskStatus.IN_PROGRESS: TaskState.IN_PROGRESS,
    TaskStatus.DONE: TaskState.CLOSED,
    TaskStatus.CANCELLED: TaskState.CANCELLED,
}


class LoopAction(models.TextChoices):
    """What moves a task along the loop; each is one service in ``tracker.loop``."""

    ASSIGN = "assign", _("Assign")
    RECEIVE = "receive", _("Acknowledge receipt")
    REPORT = "report", _("Report progress")
    REQUEST_COMPLETION = "request_completion", _("Request completion")
    CLOSE = "close", _("Close out")
    RETURN = "return", _("Return")
    CANCEL = "cancel", _("Cancel")


class OfficialRole(models.TextChoices):
    """An official's place in their department, which decides the rung that reaches them."""

    HANDLER = "handler", _("Handler")
    SECTION_CHIEF = "section_chief", _("Section chief")
    HEAD = "head", _("Department head")


class Audience(models.TextChoices):
    """Who a rung of the escalation ladder reaches."""

    HANDLERS = "handlers", _("The department's handlers")
    SECTION_CHIEFS = "section_chiefs", _("The department's section chiefs")
    HEADS = "heads", _("The department's head")
    LEADERSHIP = "leadership", _("The leading group office and the city leader in charge")


class ReportingCycle(models.TextChoices):
    """How often progress is reported (按期填报); blank on a task or project: the default."""

    DEFAULT = "", _("Default")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    NONE = "none", _("No scheduled reports")


class OfficialReach(models.TextChoices):
    CITY = "city", _("Own city")
    PROVINCE = "province", _("Province (reads its cities)")
    REGION = "region", _("Region (reads chain projects)")
