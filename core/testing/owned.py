"""What a test module declares about a model a department owns, and the fixtures built on it.

The generic cases (:mod:`core.testing.admin_cases`, :mod:`core.testing.api_cases`) read
everything model-specific from these class attributes and methods, the way NetBox's
``ViewTestCases`` read ``model`` and ``form_data``. ``core`` imports no app: the declaring
test module passes its models in, and names the fixtures that build its records.

The project's ``conftest.py`` provides the users (``official_user``: an official of the
department that owns ``own_fixture``'s record; ``supervisor_user``) and
``api_client_for`` (a factory: user and token scope to an API client holding a token).
"""

import pytest
from django.urls import reverse


class OwnedModelDeclaration:
    """The declaration: set these on a ``Test…`` class that inherits some cases."""

    pytestmark = [pytest.mark.django_db]

    model = None  # the owned model, e.g. KeyTask
    owner_field = None  # its foreign key to the owning department, e.g. "lead_department"
    own_fixture = None  # fixture name: a record of the official's own department
    other_fixture = None  # fixture name: a record of another department
    lookup_field = "code"  # a unique field that finds a record the test created
    edit = {}  # a harmless change of plain fields, as form or JSON values: {"title": "新"}
    report_model = None  # the dated reports recorded on a record (TaskUpdate)
    report_data = {}  # a valid report, as the admin's report form takes it
    api_report_data = None  # the same over the API, when it should differ (else report_data)
    api_basename = None  # the API router's basename (default: the model's name)

    official_fixture = "official_user"
    supervisor_fixture = "supervisor_user"
    api_client_fixture = "api_client_for"

    def new_record(self, own):
        """The fields of a valid new record, as form or JSON values, owner left out."""
        raise NotImplementedError

    def assert_reported(self, obj, data):
        """What recording the report ``data`` on ``obj`` (refreshed) must have changed."""

    # -- Fixtures -------------------------------------------------------------------------

    @pytest.fixture
    def own(self, request):
        return request.getfixturevalue(self.own_fixture)

    @pytest.fixture
    def other(self, request, own):
        other = request.getfixturevalue(self.other_fixture)
        # A declaration whose two records share a department would test nothing.
        assert self.owner_id(other) != self.owner_id(own)
        return other

    @pytest.fixture
    def official(self, request, own):
        official = request.getfixturevalue(self.official_fixture)
        assert official.official.department_id == self.owner_id(own)
        return official

    @pytest.fixture
    def supervisor(self, request):
        return request.getfixturevalue(self.supervisor_fixture)

    @pytest.fixture
    def api_as(self, request):
        """``api_as(user, scope="read_write")``: an API client holding a token of ``user``."""
        return request.getfixturevalue(self.api_client_fixture)

    # -- Helpers --------------------------------------------------------------------------

    def owner_id(self, obj):
        return getattr(obj, f"{self.owner_field}_id")

    def snapshot(self, obj):
        """The stored row, to show that a refused write changed nothing."""
        return self.model._default_manager.values().get(pk=obj.pk)

    def exists(self, obj):
        return self.model._default_manager.filter(pk=obj.pk).exists()

    def created(self, data):
        """The record a test created from ``new_record`` data, or None."""
        key = self.lookup_field
        return self.model._default_manager.filter(**{key: data[key]}).first()

    def assert_edited(self, obj, user):
        """``edit`` was applied to ``obj``, and its history says that ``user`` did it."""
        obj.refresh_from_db()
        for field, value in self.edit.items():
            assert str(getattr(obj, field)) == str(value)
        latest = obj.history.latest()
        assert latest.history_user == user
        assert latest.diff_against(latest.prev_record).changed_fields == list(self.edit)

    def assert_one_report_by(self, obj, user):
        report = self.report_model._default_manager.get()
        assert report.author == user
        obj.refresh_from_db()
        return report

    def admin_url(self, kind, obj=None):
        opts = self.model._meta
        args = [obj.pk] if obj is not None else []
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{kind}", args=args)

    def api_url(self, kind, obj=None):
        basename = self.api_basename or self.model._meta.model_name
        kwargs = {"pk": obj.pk} if obj is not None else {}
        return reverse(f"{basename}-{kind}", kwargs=kwargs)
