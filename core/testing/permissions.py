"""Permission test cases for a model a department owns, declared rather than copied.

The NetBox ``ViewTestCases``/``APIViewTestCases`` idea, in pytest: a test module declares
a model and passes its fixtures and valid data in, and inherits the whole matrix, in
the admin (change, add, delete, report, anonymous) and over the API (list, retrieve,
create, update, partial update, delete, report, read-only token, anonymous), each for
an official of the owning department, an official of another, a supervisor and nobody::

    class TestKeyTaskPermissions(OwnedModelPermissionCases):
        model = KeyTask
        owner_field = "lead_department"
        own_fixture, other_fixture = "task", "other_task"
        edit = {"title": "新标题"}
        report_model = TaskUpdate
        report_data = {"reported_on": "2023-05-20", "status": "in_progress", "progress": "60"}

        def new_record(self, own):
            return {"code": "KT-NEW", "title": "新任务", ...}

A model with fewer pages inherits only the case classes that apply (``AdminChangeCases``,
``ApiReadCases``…). The declaration's attributes are documented on
:class:`core.testing.owned.OwnedModelDeclaration`.
"""

from .admin_cases import (
    AdminAccessCases,
    AdminAddCases,
    AdminChangeCases,
    AdminDeleteCases,
    AdminReportCases,
    OwnedAdminCases,
)
from .api_cases import (
    ApiAccessCases,
    ApiCreateCases,
    ApiDeleteCases,
    ApiPartialUpdateCases,
    ApiReadCases,
    ApiReportCases,
    ApiUpdateCases,
    OwnedApiCases,
)
from .owned import OwnedModelDeclaration

__all__ = [
    "AdminAccessCases",
    "AdminAddCases",
    "AdminChangeCases",
    "AdminDeleteCases",
    "AdminReportCases",
    "ApiAccessCases",
    "ApiCreateCases",
    "ApiDeleteCases",
    "ApiPartialUpdateCases",
    "ApiReadCases",
    "ApiReportCases",
    "ApiUpdateCases",
    "OwnedAdminCases",
    "OwnedApiCases",
    "OwnedModelDeclaration",
    "OwnedModelPermissionCases",
]


class OwnedModelPermissionCases(OwnedAdminCases, OwnedApiCases):
    """The whole matrix, admin and API, for a model a department owns and reports on."""
