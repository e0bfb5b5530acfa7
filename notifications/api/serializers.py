"""What the reporting endpoints answer (read-only): owed items, and counts per department."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from tracker.choices import Audience

from ..sources import OWED_RECEIPT, OWED_REPORT

WHAT = {OWED_REPORT: _("Progress report missing"), OWED_RECEIPT: _("Receipt overdue")}


class OwedItemSerializer(serializers.Serializer):
    """One item a department owes: a progress report missing at the last cut-off of its
    cycle, or the receipt of a task not acknowledged in time."""

    key = serializers.CharField(read_only=True, help_text="The item, e.g. task:12, project:34.")
    kind = serializers.CharField(read_only=True, help_text="What the item is, for people.")
    what = serializers.ChoiceField(choices=list(WHAT.items()), read_only=True)
    what_label = serializers.SerializerMethodField()
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    department = serializers.IntegerField(source="department_id", read_only=True)
    department_name = serializers.SerializerMethodField()
    cutoff = serializers.DateTimeField(
        read_only=True, help_text="When it was owed: the cut-off, or the receipt's deadline."
    )
    last_reported_at = serializers.DateTimeField(read_only=True, allow_null=True)
    admin_path = serializers.CharField(read_only=True, help_text="The item's page in the admin.")

    def get_what_label(self, item) -> str:
        return str(WHAT[item.what])

    def get_department_name(self, item) -> str:
        return self.context["department_names"].get(item.department_id, "")


RUNG = inline_serializer(
    "ReportingRung",
    {
        "working_days": serializers.IntegerField(
            help_text="Working days after the deadline (negative: before it)."
        ),
        "name": serializers.CharField(),
        "audience": serializers.ChoiceField(choices=Audience.choices),
    },
    many=True,
)

DEPARTMENT = inline_serializer(
    "DepartmentReporting",
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "short_name": serializers.CharField(),
        "awaiting_receipt": serializers.IntegerField(
            help_text="Key tasks assigned and not yet acknowledged (by the end of the day)."
        ),
        "missing_reports": serializers.IntegerField(
            help_text="Progress reports missing at the last cut-off."
        ),
        "overdue_receipts": serializers.IntegerField(
            help_text="Tasks not acknowledged within the receipt's working days."
        ),
        "rungs": serializers.DictField(
            child=serializers.IntegerField(),
            help_text="Open items on each rung of the escalation ladder, by its working days.",
        ),
    },
    many=True,
)

DEPARTMENTS_ANSWER = inline_serializer(
    "DepartmentReportingList",
    {"date": serializers.DateField(), "rungs": RUNG, "results": DEPARTMENT},
)


# What every endpoint (webhook subscription, group robot) says of its state: written by the
# delivery, read-only to callers.
ENDPOINT_READ_ONLY = ["paused_at", "consecutive_failures", "last_error", "created_at", "updated_at"]
ENDPOINT_STATE = ["is_active", *ENDPOINT_READ_ONLY]
