"""Two cities in one tracker, for the notification tests of tenancy: Dezhou (371400, the
home city) and Langfang (131000), each with its departments, officials, supervising
office, city leader, ladder, overdue key tasks and milestones, group robots and webhook
subscriptions. Every name of a city carries its marker (``LEAK-DZ``, ``LEAK-LF``), so
that anything of one city found in what the other is told is a leak.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from core.tenancy import acting_for
from regions.choices import DivisionLevel, TenantKind
from regions.models import Division, Tenant
from tracker.choices import Aspect, Audience, OfficialRole
from tracker.models import CityLeader, Department, EscalationRung, KeyTask, Official, WorkPoint
from tracker.services import add_official

DEZHOU, LANGFANG = "371400", "131000"
MARKERS = {DEZHOU: "LEAK-DZ", LANGFANG: "LEAK-LF"}
# A Monday, a working day: the week's digests and the day's reminders are both planned.
TODAY = datetime.date(2024, 3, 11)
LADDER = [
    ("提前提醒经办人", -3, Audience.HANDLERS),
    ("到期提醒科长", 0, Audience.SECTION_CHIEFS),
    ("逾期报告局长（主任）", 3, Audience.HEADS),
    ("逾期报告领导小组办公室和分管市领导", 7, Audience.LEADERSHIP),
]
DIVISIONS = {
    # code: (name, level, parent code)
    "370000": ("山东省", DivisionLevel.PROVINCE, None),
    DEZHOU: ("德州市", DivisionLevel.PREFECTURE_CITY, "370000"),
    "371403": ("陵城区", DivisionLevel.DISTRICT, DEZHOU),
    "130000": ("河北省", DivisionLevel.PROVINCE, None),
    LANGFANG: ("廊坊市", DivisionLevel.PREFECTURE_CITY, "130000"),
    "131022": ("固安县", DivisionLevel.COUNTY, LANGFANG),
    "110000": ("北京市", DivisionLevel.PROVINCE, None),
}
COUNTY = {DEZHOU: "371403", LANGFANG: "131022"}
SHORT = {DEZHOU: "dz", LANGFANG: "lf"}


@dataclass
class City:
    code: str
    marker: str
    departments: list = field(default_factory=list)
    officials: list = field(default_factory=list)  # users, department officials
    supervisors: list = field(default_factory=list)  # users of the supervising office
    leader: object = None
    tasks: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    robots: list = field(default_factory=list)
    office_robot: object = None
    subscription: object = None

    @property
    def addresses(self):
        people = [*self.officials, *self.supervisors]
        return {
            *(user.email for user in people),
            *(d.email for d in self.departments),
            self.leader.email,
        }

    @property
    def robot_recipients(self):
        return {f"robot:{robot.pk}" for robot in [*self.robots, self.office_robot]}


def divisions():
    made = {}
    for code, (name, level, parent) in DIVISIONS.items():
        made[code], _created = Division.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": made.get(parent)}
        )
    return made


def person(code, username, department=None, *, supervisor=False, role=OfficialRole.HANDLER):
    official = Official(tenant_id=code, department=department, is_supervisor=supervisor, role=role)
    with acting_for(code):
        return add_official(
            official,
            username=username,
            password="secret-password",
            email=f"{username}@{SHORT[code]}.example.gov",
        ).user


def make_departments(city, division):
    short = SHORT[city.code]
    for index, name in enumerate(["商务局", "发展和改革委员会"], start=1):
        city.departments.append(
            Department.objects.create(
                tenant_id=city.code,
                name=f"{division.name}{name}{city.marker}",
                short_name=f"{name}{city.marker}",
                division=division,
                email=f"dept{index}@{short}.example.gov",
            )
        )


def make_people(city):
    short = SHORT[city.code]
    for index, department in enumerate(city.departments, start=1):
        city.officials.append(person(city.code, f"{short}-handler{index}", department))
        city.officials.append(
            person(city.code, f"{short}-head{index}", department, role=OfficialRole.HEAD)
        )
    city.supervisors.append(person(city.code, f"{short}-office", supervisor=True))
    city.leader = CityLeader.objects.create(
        tenant_id=city.code,
        name=f"分管副市长{city.marker}",
        title="副市长",
        email=f"leader@{short}.example.gov",
    )
    city.leader.departments.set(city.departments)


def make_ladder(code):
    for name, days, audience in LADDER:
        EscalationRung.objects.update_or_create(
            tenant_id=code, working_days=days, defaults={"name": name, "audience": audience}
        )


def make_work(city, made):
    from projects.choices import Stage
    from projects.models import Project

    point = WorkPoint.objects.create(
        tenant_id=city.code, year=2024, aspect=Aspect.INDUSTRY, number=1, title=f"要点{city.marker}"
    )
    # Far overdue (the leadership's rung) and just overdue (the heads' rung), per department.
    for index, department in enumerate(city.departments, start=1):
        for suffix, deadline in (
            ("A", datetime.date(2024, 2, 1)),
            ("B", TODAY - datetime.timedelta(days=6)),
        ):
            city.tasks.append(
                KeyTask.objects.create(
                    tenant_id=city.code,
                    code=f"{SHORT[city.code].upper()}-{index}{suffix}",
                    year=2024,
                    title=f"重点任务{index}{suffix}{city.marker}",
                    work_point=point,
                    lead_department=department,
                    deadline=deadline,
                )
            )
        city.projects.append(
            Project.objects.create(
                tenant_id=city.code,
                code=f"{SHORT[city.code].upper()}-P{index}",
                name=f"项目{index}{city.marker}",
                investor=f"投资方{city.marker}",
                origin=made["110000"],
                host_division=made[COUNTY[city.code]],
                responsible_department=department,
                year=2024,
                total_investment=Decimal("10000"),
                stage=Stage.SIGNED,
                planned_start_on=datetime.date(2024, 2, 15),
            )
        )


def make_problems(city):
    """A problem being coordinated (past its deadline) and an overdue cooperation item."""
    from cooperation.choices import CooperationKind, CooperationState
    from cooperation.models import CooperationItem
    from projects.choices import BlockerKind, BlockerState
    from projects.models import Blocker

    first, second = city.departments
    Blocker.objects.create(
        tenant_id=city.code,
        project=city.projects[0],
        title=f"用地指标{city.marker}",
        description="",
        kind=BlockerKind.LAND,
        raising_department=first,
        coordinating_department=second,
        deadline=datetime.date(2024, 2, 20),
        state=BlockerState.COORDINATING,
    )
    CooperationItem.objects.create(
        tenant_id=city.code,
        code=f"{SHORT[city.code].upper()}-C1",
        title=f"合作事项{city.marker}",
        kind=CooperationKind.KEY_ITEM,
        year=2024,
        department=first,
        state=CooperationState.IN_PROGRESS,
        deadline=datetime.date(2024, 2, 28),
    )


def make_endpoints(city):
    from notifications.models import GroupRobot, WebhookSubscription

    short = SHORT[city.code]
    for department in city.departments:
        city.robots.append(
            GroupRobot.objects.create(
                tenant_id=city.code,
                name=f"{department.short_name}群",
                platform=GroupRobot.Platform.WECOM,
                department=department,
                webhook_url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={short}{department.pk}",
            )
        )
    city.office_robot = GroupRobot.objects.create(
        tenant_id=city.code,
        name=f"办公室群{city.marker}",
        platform=GroupRobot.Platform.WECOM,
        department=None,
        webhook_url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={short}-office",
    )
    city.subscription = WebhookSubscription.objects.create(
        tenant_id=city.code,
        name=f"大数据局{city.marker}",
        url=f"https://hooks.{short}.example.gov/tracker",
        events=["project.created", "project.stage_changed", "blocker.raised"],
        secret="whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    )


def two_cities():
    """Both cities, built whole; returns {code: City}."""
    made = divisions()
    Tenant.objects.update_or_create(code=DEZHOU, defaults={"name": "德州市"})
    Tenant.objects.update_or_create(
        code=LANGFANG, defaults={"name": "廊坊市", "kind": TenantKind.CITY}
    )
    cities = {}
    for code in (DEZHOU, LANGFANG):
        city = cities[code] = City(code, MARKERS[code])
        make_departments(city, made[code])
        make_people(city)
        make_ladder(code)
        make_work(city, made)
        make_problems(city)
        make_endpoints(city)
    return cities


def text_of(row):
    """Everything a dispatch says: subject, bodies and (webhooks) payload."""
    return " ".join([row.subject, row.body_text, row.body_html, str(row.payload or "")])
