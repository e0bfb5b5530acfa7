"""Problems (困难问题) as a deadline source and as the weekly digests' open problems
(``notifications.sources``).

A problem being coordinated (or escalated to the city leadership) is owed by its
coordinating department by its deadline: it is reminded, climbs the escalation ladder and
is counted in the digests like a key task (``BlockerDeadlines``). Every open problem
(raised, coordinated or escalated) is listed by age in the weekly digests of the
departments it involves and in the supervisors' (``OpenBlockers``).
"""

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.streaming import chunks
from notifications.item_queries import ItemQuery, QueriedSource
from notifications.sources import (
    ChangePaths,
    DeadlineItem,
    DeadlineSource,
    OpenProblem,
    ProblemSource,
    of_acting_tenant,
)
from notifications.sources import (
    changelist_path as cached_changelist_path,
)
from tracker.models import Department

from .choices import BlockerKind, BlockerState
from .models import Blocker

BLOCKED_FIELDS = ["project__code", "project__name", "task__code", "task__title"]


def changelist_path():
    return cached_changelist_path("admin:projects_blocker_changelist")


change_path = ChangePaths("admin:projects_blocker_change")


def blocked_code(blocker):
    return blocker.project.code if blocker.project_id else blocker.task.code


def blocked_name(blocker):
    return blocker.project.name if blocker.project_id else blocker.task.title


def blocks(blocker):
    """What the problem blocks, for people: the project's (or key task's) code and name."""
    return f"{blocked_code(blocker)} {blocked_name(blocker)}"


class BlockerDeadlines(QueriedSource, DeadlineSource):
    """Problems being coordinated: owed by their coordinating department by the deadline."""

    kind = _("problem")
    plural = _("problems")

    def overdue_list_path(self, department_id):
        return f"{changelist_path()}?coordinating_department__id__exact={department_id}&overdue=yes"

    FIELDS = (
        "pk",
        "title",
        "coordinating_department_id",
        "deadline",
        "project_id",
        *BLOCKED_FIELDS,
    )

    def item(self, row, completed_on=None, kind=None):
        pk, title, department_id, deadline, project_id, p_code, p_name, t_code, t_title = row[:9]
        code, name = (p_code, p_name) if project_id else (t_code, t_title)
        return DeadlineItem(
            key=f"blocker:{pk}",
            kind=kind or str(self.kind),
            code=code,
            title=f"{title}（{name}）",
            department_id=department_id,
            due_on=deadline,
            admin_path=change_path(pk),
            completed_on=completed_on,
        )

    def open_queries(self, due_by):
        chased = of_acting_tenant(Blocker.objects.chased()).filter(deadline__lte=due_by)
        kind = str(self.kind)  # translated once per run, not per item
        yield self.query(chased, lambda row: self.item(row, kind=kind), "deadline")

    def completed_queries(self, start, end):
        # Solved after a coordinator and a deadline were named: what the department owed.
        solved = of_acting_tenant(Blocker.objects).filter(
            state=BlockerState.SOLVED,
            solved_on__gte=start,
            solved_on__lte=end,
            coordinating_department__isnull=False,
            deadline__isnull=False,
        )
        kind = str(self.kind)
        make = lambda row: self.item(row, completed_on=row[9], kind=kind)  # noqa: E731
        yield self.query(solved, make, "solved_on", "solved_on")

    def query(self, blockers, make, date, *extra):
        return ItemQuery(
            blockers,
            (*self.FIELDS, *extra),
            make,
            department="coordinating_department_id",
            date=date,
            code=Coalesce("project__code", "task__code"),
        )


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
        )
        # Keyset chunks by id (the digests sort them by age themselves): flat memory with
        # or without server-side cursors, one prefetch per chunk.
        for chunk in chunks(blockers, size=self.CHUNK):
            for blocker in chunk:
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
