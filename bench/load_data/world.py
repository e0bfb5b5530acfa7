"""What one run has built so far, handed from one kind of record to the next."""

import random
from dataclasses import dataclass, field

from .rows import RowWriter


def no_progress(label, done, total):
    pass


@dataclass
class World:
    seed: int
    # progress(label, done, total), called as rows are written.
    progress: object = no_progress
    writer: RowWriter = field(default_factory=RowWriter)
    # Rows written per kind, in the order they were written.
    counts: dict = field(default_factory=dict)

    # Set by places.py: cities and their counties by name and code; parks by county id.
    cities: list = field(default_factory=list)
    counties: list = field(default_factory=list)
    parks_by_county: dict = field(default_factory=dict)
    # Set by places.create_tenants: each city's tenant code by the city's division id.
    tenant_of_city: dict = field(default_factory=dict)
    # Set by people.py: department ids in creation order (city by city, bureaus in the
    # order of shapes.BUREAUS), by city id, and each one's city id.
    department_ids: list = field(default_factory=list)
    departments_by_city: dict = field(default_factory=dict)
    city_of_department: dict = field(default_factory=dict)
    # Set by tasks.py: work point ids by (city id, year), in number order: a city's key
    # tasks link to its own work points (a record links within its tenant).
    work_points_by_year: dict = field(default_factory=dict)
    # Set by projects.read_reference: (id, name) of origins by province code, of chains.
    origins: dict = field(default_factory=dict)
    chains: list = field(default_factory=list)

    def rng(self, stream):
        # One stream per kind of row, so that e.g. the projects do not change when only
        # the number of tasks does. A str seed is hashed with SHA-512: stable across runs.
        return random.Random(f"{self.seed}:{stream}")
