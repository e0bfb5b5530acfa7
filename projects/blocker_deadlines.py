"""Problems (困难问题) as a deadline source and as the weekly digests' open problems
(``notifications.sources``).

A problem being coordinated (or escalated to the city leadership) is owed by its
coordinating department by its deadline: it is reminded, climbs the escalation ladder and
is counted in the digests like a key task (``BlockerDeadlines``). Every open problem
(raised, coordinated or escalated) is listed by age in the weekly digests of the
departments it involves and in the supervisors' (``OpenBlockers``).
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.sources import (
    ChangePaths,
    DeadlineItem,
    DeadlineSource,
    OpenProblem,
    ProblemSource,
    of_acting_tenant,
)
from tracker.models import Department

from .choices import BlockerKind, BlockerState
from .models import Blocker

BLOCKED_FIELDS = ["project__code", "project__name", "task__code", "task__title"]


def changelist_path():
    return reverse("admin:projects_blocker_changelist")


change_path = ChangePaths("admin:projects_blocker_change")


def blocked_code(blocker):
    return blocker.project.code if blocker.project_id else blocker.task.code


def blocked_name(blocker):
    return blocker.project.name if blocker.project_id else blocker.task.title


def blocks(blocker):
    """What the problem blocks, for people: the project's (or key task's) code and name."""
    return f"{blocked_code(blocker)} {blocked_name(blocker)}"


class BlockerDeadlines(DeadlineSource):
    """Problems being coordinated: owed by their coordinating department by the deadline."""

    kind = _("problem")
    plural = _("problems")

    def overdue_list_path(self, department_id):
        return f"{changelist_path()}?coordinating_department__id__exact={department_id}&overdue=yes"

    def item(self, blocker, completed_on=None):
        return DeadlineItem(
            key=f"blocker:{blocker.pk}",
            kind=str(self.kind),
            code=blocked_code(blocker),
            title=f"{blocker.title}（{blocked_name(blocker)}）",
            department_id=blocker.coordinating_department_id,
            due_on=blocker.deadline,
            admin_path=change_path(blocker.pk),
            completed_on=completed_on,
        )

    def read(self, blockers, *fields):
        fields = ["pk", "title", "coordinating_department_id", "deadline", *fields]
        return (
            blockers.select_related("project", "task")
            .only(*fields, "project_id", "task_id", *BLOCKED_FIELDS)
            .order_by("pk")
            .iterator()
        )

    def open_items(self, due_by):
        chased = of_acting_tenant(Blocker.objects.chased())
        for blocker in self.read(chased.filter(deadline__lte=due_by)):
            yield self.item(blocker)

    def completed_items(self, start, end):
        # Solved after a coordinator and a deadline were named: what the department owed.
        solved = of_acting_tenant(Blocker.objects).filter(
            state=BlockerState.SOLVED,
            solved_on__gte=start,
            solved_on__lte=end,
            coordinating_department__isnull=False,
            deadline__isnull=False,
        )
        for blocker in self.read(solved, "solved_on"):
            yield self.item(blocker, completed_on=blocker.solved_on)


class OpenBlockers(ProblemSource):
    """Every problem not yet solved or withdrawn, with the departments it involves."""

    plural = _("problems")
    CHUNK = 500

    def problem_list_path(self):
        return f"{changelist_path()}?unsolved=yes"

    def open_problems(self):
        supporting = Prefetch("supporting_departments", Department.objects.only("pk"))
        blockers = (
            of_acting_tenant(Blocker.objects.unsolved())
            .select_related("project", "task", "coordinating_department")
            .prefetch_related(supporting)
            .order_by("raised_at", "pk")
        )
        for blocker in blockers.iterator(chunk_size=self.CHUNK):
            yield self.problem(blocker)

    def problem(self, blocker):
        coordinator = blocker.coordinating_department
        involved = {blocker.raising_department_id, blocker.coordinating_department_id}
        involved.update(department.pk for department in blocker.supporting_departments.all())
        involved.discard(None)
        return OpenProblem(
            key=f"blocker:{blocker.pk}",
            title=blocker.title,
            blocks=blocks(blocker),
            kind=BlockerKind(blocker.kind).label,
            state=BlockerState(blocker.state).label,
            coordinator=(coordinator.short_name or coordinator.name) if coordinator else "",
            deadline=blocker.deadline,
            opened_on=timezone.localdate(blocker.raised_at),
            department_ids=frozenset(involved),
            admin_path=change_path(blocker.pk),
        )
