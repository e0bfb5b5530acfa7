"""The department rule on projects, admin and API: the generic matrix, declared."""

import datetime
from decimal import Decimal

from core.testing.permissions import OwnedModelPermissionCases
from projects.choices import Stage
from projects.models import Project, ProjectUpdate


class TestProjectPermissions(OwnedModelPermissionCases):
    model = Project
    owner_field = "responsible_department"
    own_fixture, other_fixture = "project", "other_project"
    edit = {"investor": "新投资方"}
    report_model = ProjectUpdate
    report_data = {
        "reported_on": "2023-05-05",
        "stage": Stage.SIGNED,
        "funds_in_place": "1200.50",
        "note": "签约",
    }

    def new_record(self, own):
        return {
            "code": "DZ-NEW-1",
            "name": "新项目",
            "host_division": own.host_division_id,
            "year": 2026,
            "stage": Stage.LEAD,
            "total_investment": "20000",
            "funds_in_place": "0",
        }

    def assert_reported(self, project, data):
        assert project.stage == data["stage"]
        assert project.funds_in_place == Decimal(data["funds_in_place"])
        # Signing is dated by the report that says so.
        assert project.signed_on == datetime.date.fromisoformat(data["reported_on"])
