"""The department rule on an owned model's admin pages: own, other, supervisor, anonymous.

Each class checks one kind of page; ``OwnedAdminCases`` is all of them. A refused write
must change nothing, so every refusal compares the stored row before and after.
"""

import pytest
from django.urls import reverse

from .admin_forms import admin_form_data
from .owned import OwnedModelDeclaration


def login_redirect(response):
    return response.status_code == 302 and reverse("admin:login") in response["Location"]


class AdminChangeCases(OwnedModelDeclaration):
    def test_admin_official_changes_own_and_the_change_is_audited(self, client, official, own):
        client.force_login(official)
        page = client.get(self.admin_url("change", own))
        response = client.post(self.admin_url("change", own), admin_form_data(page, **self.edit))
        assert response.status_code == 302
        self.assert_edited(own, official)

    def test_admin_official_reads_but_cannot_change_another_departments(
        self, client, official, other
    ):
        client.force_login(official)
        page = client.get(self.admin_url("change", other))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()  # a read-only view
        before = self.snapshot(other)
        data = {**self.edit, self.owner_field: str(self.owner_id(other))}
        assert client.post(self.admin_url("change", other), data).status_code == 403
        assert self.snapshot(other) == before

    def test_admin_official_cannot_move_own_to_another_department(
        self, client, official, own, other
    ):
        client.force_login(official)
        page = client.get(self.admin_url("change", own))
        before = self.snapshot(own)
        data = admin_form_data(page, **{self.owner_field: str(self.owner_id(other))})
        response = client.post(self.admin_url("change", own), data)
        assert response.status_code == 200
        assert self.owner_field in response.context["adminform"].form.errors
        assert self.snapshot(own) == before

    def test_admin_supervisor_changes_any_departments(self, client, supervisor, other):
        client.force_login(supervisor)
        page = client.get(self.admin_url("change", other))
        response = client.post(self.admin_url("change", other), admin_form_data(page, **self.edit))
        assert response.status_code == 302
        self.assert_edited(other, supervisor)


class AdminAddCases(OwnedModelDeclaration):
    def add_form(self, client, own):
        page = client.get(self.admin_url("add"))
        values = {key: str(value) for key, value in self.new_record(own).items()}
        return admin_form_data(page, **values)

    def test_admin_official_adds_only_for_own_department(self, client, official, own, other):
        client.force_login(official)
        base = self.add_form(client, own)
        url = self.admin_url("add")
        refused = client.post(url, {**base, self.owner_field: str(self.owner_id(other))})
        assert refused.status_code == 200
        assert self.created(base) is None
        accepted = client.post(url, {**base, self.owner_field: str(self.owner_id(own))})
        assert accepted.status_code == 302
        assert self.owner_id(self.created(base)) == self.owner_id(own)

    def test_admin_supervisor_adds_for_any_department(self, client, supervisor, own, other):
        client.force_login(supervisor)
        data = {**self.add_form(client, own), self.owner_field: str(self.owner_id(other))}
        assert client.post(self.admin_url("add"), data).status_code == 302
        assert self.owner_id(self.created(data)) == self.owner_id(other)


class AdminDeleteCases(OwnedModelDeclaration):
    def test_admin_official_cannot_delete_even_own(self, client, official, own, other):
        client.force_login(official)
        for obj in (own, other):
            before = self.snapshot(obj)
            url = self.admin_url("delete", obj)
            assert client.post(url, {"post": "yes"}).status_code == 403
            assert self.snapshot(obj) == before

    def test_admin_supervisor_deletes(self, client, supervisor, other):
        client.force_login(supervisor)
        response = client.post(self.admin_url("delete", other), {"post": "yes"})
        assert response.status_code == 302
        assert not self.exists(other)


class AdminReportCases(OwnedModelDeclaration):
    def test_admin_official_reports_on_own(self, client, official, own):
        client.force_login(official)
        assert client.get(self.admin_url("report", own)).status_code == 200
        response = client.post(self.admin_url("report", own), self.report_data)
        assert response.status_code == 302
        self.assert_one_report_by(own, official)
        self.assert_reported(own, self.report_data)
        if self.report_data.get("note"):
            # The record's page shows the report at once, in its history.
            page = client.get(self.admin_url("change", own)).content.decode()
            assert self.report_data["note"] in page

    def test_admin_official_cannot_report_on_another_departments(self, client, official, other):
        client.force_login(official)
        before = self.snapshot(other)
        assert client.get(self.admin_url("report", other)).status_code == 403
        response = client.post(self.admin_url("report", other), self.report_data)
        assert response.status_code == 403
        assert self.snapshot(other) == before
        assert not self.report_model._default_manager.exists()

    def test_admin_supervisor_reports_on_any_departments(self, client, supervisor, other):
        client.force_login(supervisor)
        response = client.post(self.admin_url("report", other), self.report_data)
        assert response.status_code == 302
        self.assert_one_report_by(other, supervisor)
        self.assert_reported(other, self.report_data)

    def test_admin_reports_are_history_nobody_edits_or_deletes(self, client, supervisor, own):
        client.force_login(supervisor)
        client.post(self.admin_url("report", own), self.report_data)
        report = self.report_model._default_manager.get()
        stored = self.report_model._default_manager.values().get(pk=report.pk)
        opts = self.report_model._meta
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[report.pk])
        assert client.post(change, {"note": "改写"}).status_code == 403
        delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[report.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert self.report_model._default_manager.values().get(pk=report.pk) == stored


ADMIN_PAGES = ["changelist", "add", "change", "delete", "history", "report"]


class AdminAccessCases(OwnedModelDeclaration):
    @pytest.mark.parametrize("kind", ADMIN_PAGES)
    def test_admin_nobody_without_an_account_sees_anything(self, client, own, kind):
        obj = None if kind in ("changelist", "add") else own
        assert login_redirect(client.get(self.admin_url(kind, obj)))

    def test_admin_nobody_without_an_account_changes_anything(self, client, own):
        before = self.snapshot(own)
        for kind, data in [("change", self.edit), ("report", self.report_data)]:
            assert login_redirect(client.post(self.admin_url(kind, own), data))
        assert login_redirect(client.post(self.admin_url("delete", own), {"post": "yes"}))
        assert self.snapshot(own) == before
        assert not self.report_model._default_manager.exists()

    def test_admin_user_without_official_profile_sees_nothing(self, client, django_user_model, own):
        user = django_user_model.objects.create_user("stranger", password="x", is_staff=True)
        client.force_login(user)
        assert client.get(self.admin_url("changelist")).status_code == 403
        # Refused either way: 404 because a user of no city reads no record (the tenant
        # rule), which also tells nothing of whether the record exists.
        assert client.get(self.admin_url("report", own)).status_code in (403, 404)


class OwnedAdminCases(
    AdminChangeCases, AdminAddCases, AdminDeleteCases, AdminReportCases, AdminAccessCases
):
    """Every admin case of a model a department owns and reports on."""
