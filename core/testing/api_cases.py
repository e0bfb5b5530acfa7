"""The department rule on an owned model's API routes: own, other, supervisor, anonymous.

The same matrix as the admin's (:mod:`core.testing.admin_cases`), through tokens: list,
retrieve, create, update, partial update, delete and reports. Refusals say why, in the
product's language (Chinese), and change nothing.
"""

import pytest
from rest_framework.test import APIClient

from .owned import OwnedModelDeclaration

OTHER_DEPARTMENT = "其他部门"  # in the refusal of another department's record
READ_ONLY_TOKEN = "只能读取"  # in the refusal of a write with a read-only token


class ApiCasesBase(OwnedModelDeclaration):
    def api_new(self, own, owner):
        return {**self.new_record(own), self.owner_field: self.owner_id(owner)}

    def api_full(self, obj, own):
        """A PUT body: every field of a valid record, keeping ``obj``'s key and owner."""
        return {
            **self.api_new(own, obj),
            self.lookup_field: getattr(obj, self.lookup_field),
            **self.edit,
        }

    @property
    def api_report(self):
        return self.report_data if self.api_report_data is None else self.api_report_data


class ApiReadCases(ApiCasesBase):
    def test_api_official_lists_every_departments(self, api_as, official, own, other):
        response = api_as(official, "read").get(self.api_url("list"))
        assert response.status_code == 200
        listed = {row[self.lookup_field] for row in response.json()["results"]}
        assert {getattr(own, self.lookup_field), getattr(other, self.lookup_field)} <= listed

    def test_api_official_retrieves_own_and_another_departments(self, api_as, official, own, other):
        client = api_as(official, "read")
        for obj in (own, other):
            response = client.get(self.api_url("detail", obj))
            assert response.status_code == 200
            assert response.json()["id"] == obj.pk
            assert response["ETag"]


class ApiCreateCases(ApiCasesBase):
    def test_api_official_creates_only_for_own_department(self, api_as, official, own, other):
        client = api_as(official)
        theirs = self.api_new(own, other)
        refused = client.post(self.api_url("list"), theirs, format="json")
        assert refused.status_code == 403
        assert self.created(theirs) is None
        mine = self.api_new(own, own)
        created = client.post(self.api_url("list"), mine, format="json")
        assert created.status_code == 201, created.json()
        assert self.owner_id(self.created(mine)) == self.owner_id(own)

    def test_api_supervisor_creates_for_any_department(self, api_as, supervisor, own, other):
        data = self.api_new(own, other)
        response = api_as(supervisor).post(self.api_url("list"), data, format="json")
        assert response.status_code == 201, response.json()
        assert self.owner_id(self.created(data)) == self.owner_id(other)


class ApiUpdateCases(ApiCasesBase):
    def test_api_official_updates_own(self, api_as, official, own):
        body = self.api_full(own, own)
        response = api_as(official).put(self.api_url("detail", own), body, format="json")
        assert response.status_code == 200, response.json()
        own.refresh_from_db()
        for field, value in self.edit.items():
            assert str(getattr(own, field)) == str(value)

    def test_api_official_cannot_update_another_departments(self, api_as, official, own, other):
        before = self.snapshot(other)
        body = self.api_full(other, own)
        response = api_as(official).put(self.api_url("detail", other), body, format="json")
        assert response.status_code == 403
        assert OTHER_DEPARTMENT in response.json()["detail"]
        assert self.snapshot(other) == before

    def test_api_supervisor_updates_any_departments(self, api_as, supervisor, own, other):
        body = self.api_full(other, own)
        response = api_as(supervisor).put(self.api_url("detail", other), body, format="json")
        assert response.status_code == 200, response.json()


class ApiPartialUpdateCases(ApiCasesBase):
    def test_api_official_partially_updates_own_and_the_change_is_audited(
        self, api_as, official, own
    ):
        response = api_as(official).patch(self.api_url("detail", own), self.edit, format="json")
        assert response.status_code == 200, response.json()
        self.assert_edited(own, official)

    def test_api_official_cannot_partially_update_another_departments(
        self, api_as, official, other
    ):
        before = self.snapshot(other)
        url = self.api_url("detail", other)
        response = api_as(official).patch(url, self.edit, format="json")
        assert response.status_code == 403
        assert OTHER_DEPARTMENT in response.json()["detail"]
        assert self.snapshot(other) == before

    def test_api_official_cannot_hand_own_to_another_department(self, api_as, official, own, other):
        before = self.snapshot(own)
        body = {self.owner_field: self.owner_id(other)}
        response = api_as(official).patch(self.api_url("detail", own), body, format="json")
        assert response.status_code == 403
        assert self.snapshot(own) == before

    def test_api_supervisor_partially_updates_any_departments(self, api_as, supervisor, other):
        url = self.api_url("detail", other)
        response = api_as(supervisor).patch(url, self.edit, format="json")
        assert response.status_code == 200, response.json()
        self.assert_edited(other, supervisor)


class ApiDeleteCases(ApiCasesBase):
    def test_api_nobody_deletes(self, api_as, official, supervisor, own, other):
        # Records are closed, never deleted, over the API; supervisors delete in the admin.
        # Officials may delete nothing (403); for supervisors the API has no DELETE (405).
        for user, obj, status in (
            (official, own, 403),
            (official, other, 403),
            (supervisor, other, 405),
        ):
            response = api_as(user).delete(self.api_url("detail", obj))
            assert response.status_code == status
            assert self.exists(obj)


class ApiReportCases(ApiCasesBase):
    def test_api_official_reports_on_own(self, api_as, official, own):
        url = self.api_url("updates", own)
        response = api_as(official).post(url, self.api_report, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["author_name"] == official.username
        self.assert_one_report_by(own, official)
        self.assert_reported(own, self.api_report)

    def test_api_official_reads_but_cannot_report_on_another_departments(
        self, api_as, official, other
    ):
        client = api_as(official)
        before = self.snapshot(other)
        assert client.get(self.api_url("updates", other)).status_code == 200
        response = client.post(self.api_url("updates", other), self.api_report, format="json")
        assert response.status_code == 403
        assert OTHER_DEPARTMENT in response.json()["detail"]
        assert self.snapshot(other) == before
        assert not self.report_model._default_manager.exists()

    def test_api_supervisor_reports_on_any_departments(self, api_as, supervisor, other):
        url = self.api_url("updates", other)
        response = api_as(supervisor).post(url, self.api_report, format="json")
        assert response.status_code == 201, response.json()
        self.assert_one_report_by(other, supervisor)
        self.assert_reported(other, self.api_report)


class ApiAccessCases(ApiCasesBase):
    def test_api_read_only_token_cannot_write(self, api_as, supervisor, own):
        client = api_as(supervisor, "read")
        before = self.snapshot(own)
        writes = [
            client.patch(self.api_url("detail", own), self.edit, format="json"),
            client.put(self.api_url("detail", own), self.api_full(own, own), format="json"),
            client.post(self.api_url("list"), self.api_new(own, own), format="json"),
            client.post(self.api_url("updates", own), self.api_report, format="json"),
        ]
        for response in writes:
            assert response.status_code == 403
            assert READ_ONLY_TOKEN in response.json()["detail"]
        assert self.snapshot(own) == before
        assert self.created(self.api_new(own, own)) is None
        assert not self.report_model._default_manager.exists()

    @pytest.mark.parametrize(
        "method, kind",
        [
            ("get", "list"),
            ("get", "detail"),
            ("get", "updates"),
            ("post", "list"),
            ("put", "detail"),
            ("patch", "detail"),
            ("delete", "detail"),
            ("post", "updates"),
        ],
    )
    def test_api_nobody_without_a_token_reads_or_writes(self, own, method, kind):
        before, count = self.snapshot(own), self.model._default_manager.count()
        url = self.api_url(kind, None if kind == "list" else own)
        body = None
        if method not in ("get", "delete"):
            bodies = {"post": self.api_new(own, own), "put": self.api_full(own, own)}
            body = self.api_report if kind == "updates" else bodies.get(method, self.edit)
        response = getattr(APIClient(), method)(url, body, format="json")
        assert response.status_code == 401
        assert self.snapshot(own) == before
        assert self.model._default_manager.count() == count
        assert not self.report_model._default_manager.exists()


class OwnedApiCases(
    ApiReadCases,
    ApiCreateCases,
    ApiUpdateCases,
    ApiPartialUpdateCases,
    ApiDeleteCases,
    ApiReportCases,
    ApiAccessCases,
):
    """Every API case of a model a department owns and reports on."""
