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
