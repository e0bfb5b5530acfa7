"""Synthetic projects: where they land, who leads them, how far they got, what they cost.

Each project is drawn as a dict of its ledger fields (``projects.ledger``) and written in
the ledger's columns; a ledger field the generator does not draw gets its model default.
"""

import bisect
import math

from projects.choices import BaseFunction, Stage
from projects.ledger import LEDGER_FIELDS
from projects.models import IndustryChain, Project
from regions.models import Division

from .markers import NAME_PREFIX, PROJECT_CODE_PREFIX, PROJECT_YEARS
from .milestones import milestones
from .reports import write_reports
from .rows import BATCH_SIZE, cents, recorded_at
from .shapes import BRAND_CHARS, COMPANY_SUFFIXES, LEAD_BUREAUS, PRODUCTS, PROJECT_KINDS, SECTORS

# Where investors come from, and how often: Beijing, Tianjin, the rest of Hebei.
ORIGIN_WEIGHTS = {"110000": 50, "120000": 20, "130000": 30}
PROJECT_FIELDS = (
    *(Project._meta.get_field(name).attname for name in LEDGER_FIELDS),
    "is_demo",
    "tenant_id",
    "created_at",
)
# A project is entered on the morning of its first contact (its timeline's first day).
ENTRY_HOUR = 9
DEFAULTS = {name: Project._meta.get_field(name).get_default() for name in LEDGER_FIELDS}


def read_reference(world):
    """Origins and chains from the reference data, in a stable order."""
    world.origins = {}
    for province_code in ORIGIN_WEIGHTS:
        within = (
            Division.objects.filter(code=province_code)
            | Division.objects.filter(parent__code=province_code)
            | Division.objects.filter(parent__parent__code=province_code)
        )
        world.origins[province_code] = list(
            within.exclude(name__startswith=NAME_PREFIX)
            .order_by("code", "name")
            .values_list("id", "name")
        )
    world.chains = list(IndustryChain.objects.order_by("group", "name").values_list("id", "name"))


def create_projects(world, count, updates_per_project):
    """``count`` projects, each with ``updates_per_project`` status reports."""
    draw = ProjectDraw(world, world.rng("projects"))
    report_rng = world.rng("updates")
    created = reports = 0
    world.progress("projects", 0, count)
    for start in range(0, count, BATCH_SIZE):
        batch = [draw.project(n) for n in range(start + 1, min(count, start + BATCH_SIZE) + 1)]
        rows = [
            (
                *(project.get(name, DEFAULTS[name]) for name in LEDGER_FIELDS),
                False,
                # The city of its county, whose bureau leads it: never the default tenant
                # (COPY would fill in the home city's for every project).
                world.tenant_of_city[world.city_of_department[project["responsible_department"]]],
                recorded_at(timeline[0][0], ENTRY_HOUR),
            )
            for project, timeline in batch
        ]
        world.writer.insert(Project, PROJECT_FIELDS, rows)
        reports += write_reports(world, report_rng, updates_per_project, batch)
        created += len(batch)
        world.progress("projects", created, count)
    world.counts["projects"] = created
    world.counts["project updates"] = reports


class ProjectDraw:
    """Draws projects one after another from one random stream: the same stream, the
    same projects, whatever the batch size."""

    def __init__(self, world, rng):
        self.world = world
        self.rng = rng
        # Some counties attract far more projects than others.
        self.county_weights = []
        total = 0.0
        for _county in world.counties:
            total += rng.paretovariate(1.5)
            self.county_weights.append(total)
        self.years = list(PROJECT_YEARS)
        self.year_weights = [1 + 0.15 * (year - self.years[0]) for year in self.years]
        self.origin_groups = [g for g in ORIGIN_WEIGHTS if world.origins[g]]

    def project(self, number):
        """(fields, timeline) of project number ``number``; see milestones.milestones."""
        rng = self.rng
        total = self.county_weights[-1]
        county = self.world.counties[bisect.bisect_left(self.county_weights, rng.random() * total)]
        year = rng.choices(self.years, self.year_weights)[0]
        origin = self.origin()
        stage, timeline, dates = milestones(rng, year)
        total_cents, funds_cents = self.money(stage, dates["signed_on"])
        names = self.names(origin)
        park_id, department_id = self.placement(county)
        base_function = rng.choice(BaseFunction.values) if rng.random() < 0.3 else ""
        description = (
            f"{names['investor']}拟在{county.name}投资建设{names['name'].removesuffix('项目')}。"
            if rng.random() < 0.5
            else ""
        )
        fields = {
            "code": f"{PROJECT_CODE_PREFIX}{number:07d}",
            **names,
            "origin": origin[0] if origin else None,
            "host_division": county.pk,
            "park": park_id,
            "base_function": base_function,
            "responsible_department": department_id,
            "year": year,
            "stage": stage,
            "total_investment": cents(total_cents),
            "funds_in_place": cents(funds_cents),
            **dates,
            "is_key": rng.random() < 0.1,
            "description": description,
        }
        return fields, timeline

    def origin(self):
        """(id, name) of the place the investor comes from; None for a few."""
        rng = self.rng
        if self.origin_groups and rng.random() < 0.97:
            weights = [ORIGIN_WEIGHTS[g] for g in self.origin_groups]
            group = rng.choices(self.origin_groups, weights)[0]
            return rng.choice(self.world.origins[group])
        return None

    def money(self, stage, signed_on):
        """(total investment, funds in place) in cents of 万元."""
        rng = self.rng
        # Log-uniform: many small projects, a few very large ones.
        total_cents = int(math.exp(rng.uniform(math.log(1_000), math.log(500_000))) * 100)
        if stage in (Stage.LEAD, Stage.NEGOTIATING) or (stage == Stage.DROPPED and not signed_on):
            share = 0.0
        elif stage == Stage.SIGNED:
            share = 0.0 if rng.random() < 0.5 else rng.uniform(0, 0.1)
        elif stage == Stage.UNDER_CONSTRUCTION:
            share = rng.uniform(0.1, 0.8)
        elif stage == Stage.IN_OPERATION:
            share = rng.uniform(0.6, 1.0)
        else:
            share = rng.uniform(0, 0.2)
        return total_cents, int(total_cents * share)

    def names(self, origin):
        """The investor, the project's name and its industry chain (an id or None)."""
        rng = self.rng
        origin_name = origin[1] if origin else ""
        place = (origin_name or "北京市")[:2]
        brand = "".join(rng.sample(BRAND_CHARS, 2))
        investor = f"{place}{brand}{rng.choice(SECTORS)}{rng.choice(COMPANY_SUFFIXES)}"
        chain_id, chain_name = rng.choice(self.world.chains) if self.world.chains else (None, "")
        if chain_name and rng.random() < 0.5:
            name = f"{brand}{chain_name}{rng.choice(PROJECT_KINDS)}项目"
        else:
            product, unit = rng.choice(PRODUCTS)
            name = f"年产{rng.choice((1, 2, 3, 5, 10, 20, 50, 100))}{unit}{product}项目"
        return {"name": name, "investor": investor, "industry_chain": chain_id}

    def placement(self, county):
        """(park id or None, responsible department id): mostly the city's commerce or
        investment-promotion bureau."""
        rng = self.rng
        parks = self.world.parks_by_county.get(county.pk, [])
        park_id = rng.choice(parks) if parks and rng.random() < 0.75 else None
        city_departments = self.world.departments_by_city[county.parent_id]
        if rng.random() < 0.7:
            return park_id, rng.choice(city_departments[:LEAD_BUREAUS])
        return park_id, rng.choice(city_departments)
