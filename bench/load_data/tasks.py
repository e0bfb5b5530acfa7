"""Work points of each city's plan for each year, and key tasks under them with their
deadlines, each of its lead bureau's city (tenant)."""

import datetime

from tracker.choices import STATE_OF_STATUS, TaskStatus
from tracker.models import KeyTask, WorkPoint

from .markers import AS_OF, TASK_CODE_PREFIX, TASK_YEARS, WORK_POINT_FIRST_NUMBER, WORK_POINT_PREFIX
from .rows import BATCH_SIZE, day
from .shapes import TASK_TEMPLATES, TASK_THEMES, WORK_POINT_THEMES

TASK_FIELDS = (
    "code",
    "year",
    "title",
    "description",
    "work_point_id",
    "lead_department_id",
    "deadline",
    "status",
    "state",
    "progress",
    "completed_on",
    "is_demo",
    "tenant_id",
)


def create_work_points(world):
    """Each city's own plan: the same themes, numbered alike, in every city's tenant."""
    rows = []
    for city in world.cities:
        for year in TASK_YEARS:
            number = WORK_POINT_FIRST_NUMBER
            for aspect, themes in WORK_POINT_THEMES.items():
                for theme in themes:
                    rows.append(
                        WorkPoint(
                            year=year,
                            aspect=aspect,
                            number=number,
                            title=f"{WORK_POINT_PREFIX}：{theme}（{year}）",
                            tenant_id=world.tenant_of_city[city.pk],
                        )
                    )
                    number += 1
    WorkPoint.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    city_of_tenant = {code: city_id for city_id, code in world.tenant_of_city.items()}
    world.work_points_by_year = {}
    for pk, tenant_id, year in (
        WorkPoint.objects.filter(title__startswith=WORK_POINT_PREFIX)
        .order_by("tenant_id", "year", "number")
        .values_list("id", "tenant_id", "year")
    ):
        key = (city_of_tenant[tenant_id], year)
        world.work_points_by_year.setdefault(key, []).append(pk)
    world.counts["work points"] = len(rows)


def create_tasks(world, count):
    """``count`` key tasks, led by one bureau, a third supported by one or two more."""
    rng = world.rng("tasks")
    years = list(TASK_YEARS)
    year_weights = [1 + 0.3 * (year - years[0]) for year in years]
    places = [name for group in world.origins.values() for _pk, name in group]
    chains = [name for _pk, name in world.chains] or ["重点"]
    created = links = 0
    world.progress("tasks", 0, count)
    for start in range(0, count, BATCH_SIZE):
        rows, supporting = [], []
        for number in range(start + 1, min(count, start + BATCH_SIZE) + 1):
            year = rng.choices(years, year_weights)[0]
            lead = rng.choice(world.department_ids)
            rows.append(task_row(world, rng, number, year, lead, places, chains))
            if rng.random() < 0.3:
                colleagues = world.departments_by_city[world.city_of_department[lead]]
                others = [d for d in colleagues if d != lead]
                supporting.append((number, rng.sample(others, rng.randint(1, 2))))
        world.writer.insert(KeyTask, TASK_FIELDS, rows)
        links += link_supporting_departments(rows, supporting)
        created += len(rows)
        world.progress("tasks", created, count)
    world.counts["key tasks"] = created
    world.counts["supporting departments"] = links


def link_supporting_departments(rows, supporting):
    """Write [(task number, [department ids])] for the tasks just written; their count."""
    Supporting = KeyTask.supporting_departments.through
    ids = dict(
        KeyTask.objects.filter(code__gte=rows[0][0], code__lte=rows[-1][0]).values_list(
            "code", "id"
        )
    )
    link_rows = [
        Supporting(keytask_id=ids[f"{TASK_CODE_PREFIX}{number:06d}"], department_id=d)
        for number, departments in supporting
        for d in departments
    ]
    Supporting.objects.bulk_create(link_rows, batch_size=BATCH_SIZE)
    return len(link_rows)


def task_row(world, rng, number, year, lead, places, chains):
    deadline = task_deadline(rng, year)
    status, progress, completed_on = task_state(rng, year, deadline)
    template = rng.choice(TASK_TEMPLATES)
    title = template.format(
        place=rng.choice(places) if places else "京津",
        theme=rng.choice(TASK_THEMES),
        chain=rng.choice(chains),
        n=rng.randint(2, 20),
    )
    return (
        f"{TASK_CODE_PREFIX}{number:06d}",
        year,
        title,
        "",
        rng.choice(world.work_points_by_year[(world.city_of_department[lead], year)]),
        lead,
        deadline,
        status,
        STATE_OF_STATUS[status],
        progress,
        completed_on,
        False,
        world.tenant_of_city[world.city_of_department[lead]],
    )


def task_deadline(rng, year):
    # Quarter ends mostly, as plans set them; a few mid-quarter dates.
    month = rng.choice((3, 6, 6, 9, 12, 12, 12))
    deadline = day(datetime.date(year, month, 1), rng.randint(0, 27))
    if rng.random() < 0.7:
        deadline = (
            datetime.date(year, 12, 31)
            if month == 12
            else day(datetime.date(year, month + 1, 1), -1)
        )
    return deadline


def task_state(rng, year, deadline):
    """(status, progress, completed_on) as of AS_OF: most tasks open, a few done or
    cancelled, and only those whose deadline has passed."""
    roll = rng.random()
    if deadline < AS_OF and roll < 0.10:
        completed_on = min(AS_OF, day(deadline, rng.randint(-60, 20)))
        return TaskStatus.DONE, 100, max(completed_on, datetime.date(year, 1, 1))
    if deadline < AS_OF and roll < 0.12:
        return TaskStatus.CANCELLED, rng.randint(0, 50), None
    if rng.random() < 0.55:
        return TaskStatus.IN_PROGRESS, rng.randint(5, 95), None
    return TaskStatus.NOT_STARTED, 0, None
