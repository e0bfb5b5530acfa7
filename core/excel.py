"""Excel ledgers (台账): the widgets and base resource shared by every import and export.

Cells read the way officials write them: departments and places by name, stages and
statuses by their Chinese (or English) label, dates as 2023-06-30 or as Excel dates,
yes/no as 是/否. An import checks every row and applies all of them or none.

Names are looked up in the importing user's city only (and in shared reference data, such
as divisions and industry chains): two cities both have a "市商务局" and an "XM-2024-001",
and a Langfang ledger must reach Langfang's, never Dezhou's. The rows a ledger updates
are found by code among that city's records too; a code of another city's makes a new row.
"""

import datetime

from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.formats.base_formats import XLSX

from core.spreadsheets import xlsx_bytes

from .ownership import can_assign, owns
from .tenancy import tenant_id_of, tenant_path
from .uploads import read_ledger

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def labels_in_every_language(label):
    texts = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts.add(str(label).strip().casefold())
    return texts


class TextWidget(widgets.Widget):
    """Text; an empty cell is an empty text, never a missing value."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its label ("开工在建"); its stored value is accepted too."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        text = str(value).strip().casefold()
        for member in self.choices:
            if text == member.value or text in labels_in_every_language(member.label):
                return member.value
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": value, "choices": "、".join(str(m.label) for m in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class LedgerDateWidget(widgets.Widget):
    """A date as text (2023-06-30, 2023/6/30, 2023年6月30日) or as an Excel date cell."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as 2023-06-30.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class YesNoWidget(widgets.Widget):
    YES = {"是", "yes", "y", "true", "1", "✓"}
    NO = {"否", "no", "n", "false", "0", ""}

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip().casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s” is neither 是 nor 否.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return _("yes") if value else _("no")


class TenantScopedWidget:
    """A widget that looks records up by name or code, among one city's records only.

    ``LedgerResource`` sets ``tenant_id`` (the city the import writes to) on each of its
    widgets; shared reference data (a model without ``tenant_path``) is looked up whole.
    """

    tenant_id = None

    def scoped(self, queryset):
        return in_tenant(queryset, self.tenant_id)


def in_tenant(queryset, tenant_id):
    """The rows of ``queryset`` of one city; shared reference data whole."""
    if tenant_path(queryset.model) is None:
        return queryset
    return queryset.for_tenants([tenant_id])


class NamedForeignKeyWidget(TenantScopedWidget, widgets.ForeignKeyWidget):
    """A related object written by its name, with a clear message when there is none."""

    def get_queryset(self, value, row, *args, **kwargs):
        return self.scoped(self.model._default_manager.all())

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s named “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None
        except MultipleObjectsReturned:
            raise ValueError(
                _("More than one %(model)s is named “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class NamedManyToManyWidget(TenantScopedWidget, widgets.ManyToManyWidget):
    """Several related objects by name, separated by 、 or a comma."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return self.model.objects.none()
        names = [n.strip() for n in str(value).replace("，", "、").replace(",", "、").split("、")]
        names = [n for n in names if n]
        found = self.scoped(self.model.objects.filter(**{f"{self.field}__in": names}))
        missing = set(names) - {getattr(obj, self.field) for obj in found}
        if missing:
            raise ValueError(
                _("There is no %(model)s named “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": "、".join(sorted(missing))}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "、".join(getattr(related, self.field) for related in value.all()) if value else ""


class LedgerResource(resources.ModelResource):
    """Base of the tracker's ledgers: headers in the user's language, all rows or none.

    Subclasses declare their fields (attribute and widget; the column is named by
    the model field's verbose name), name the owner field (``owner_field``) for department checks,
    and save through their app's service (``save_with_service``).
    """

    owner_field = None

    class Meta:
        skip_unchanged = True
        report_skipped = True
        # The app's service (``save_with_service``) runs full_clean() before it saves, and a
        # ValidationError it raises marks the row invalid like any other; cleaning here too
        # would validate every row twice, and the model's check constraints cost a query
        # each, which was half the time of an import (see TRACKER_IMPORT_MAX_ROWS).
        clean_model_instances = False
        use_transactions = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        # The admin passes the signed-in user (LedgerAdmin.get_resource_kwargs): names and
        # codes are looked up in their city, the one new rows belong to.
        self.user = user
        self.tenant_id = import_tenant_id(self._meta.model, user)
        # Each column is named by its model field's verbose name, in the user's language.
        model_options = self._meta.model._meta
        for field in self.fields.values():
            field.column_name = str(model_options.get_field(field.attribute).verbose_name)
            # The fields (and their widgets) are this resource's own copies.
            if isinstance(field.widget, TenantScopedWidget):
                field.widget.tenant_id = self.tenant_id

    def get_queryset(self):
        # The rows an import may update (found by code): the importing city's only.
        return in_tenant(super().get_queryset(), self.tenant_id)

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        if tenant_path(type(instance)) == "tenant":
            instance.tenant_id = self.tenant_id
        return instance

    def expected_headers(self):
        return [field.column_name for field in self.get_import_fields()]

    def before_import(self, dataset, **kwargs):
        if not dataset.headers or dataset.height == 0:
            raise ValueError(_("The file has no rows to import."))
        headers = [str(header).strip() for header in dataset.headers if header]
        missing = [header for header in self.expected_headers() if header not in headers]
        if missing:
            raise ValueError(
                _("The file lacks these columns: %(columns)s. Export the ledger to see them.")
                % {"columns": "、".join(missing)}
            )
        super().before_import(dataset, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        # The service re-checks the rule as this user, after saving, in the same transaction.
        self.acting_user = user
        # On entry ``instance`` is the row as the loader just read it (or a new one).
        if user is not None and instance.pk is not None and not owns(user, instance):
            raise ValidationError(
                {self.owner_field: _("This record belongs to another department.")}
            )
        super().import_instance(instance, row, **kwargs)
        if user is not None and not can_assign(user, getattr(instance, self.owner_field, None)):
            raise ValidationError(
                {self.owner_field: _("You may only import records of your own department.")}
            )

    def do_instance_save(self, instance, is_create):
        self.save_with_service(instance, by=getattr(self, "acting_user", None))

    def save_with_service(self, instance, by):
        raise NotImplementedError

    def import_row(self, row, instance_loader, **kwargs):
        """Name each error by its column, as the user sees it in the file."""
        row_result = super().import_row(row, instance_loader, **kwargs)
        error = row_result.validation_error
        if error is not None and hasattr(error, "error_dict"):
            columns = {f.attribute: f.column_name for f in self.get_import_fields()}
            row_result.validation_error = ValidationError(
                {columns.get(key, key): value for key, value in error.error_dict.items()}
            )
        return row_result

    def import_data(self, dataset, **kwargs):
        # A bad row anywhere rolls back every row: a ledger goes in whole or not at all.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)


def import_tenant_id(model, user):
    """The city an import by ``user`` writes to: the user's own; for a superuser (who
    belongs to no city), the city a new record of ``model`` gets by default (the acting
    city, else the deployment's home city, ``TRACKER_CITY_CODE``)."""
    tenant_id = tenant_id_of(user) if user is not None else None
    if tenant_id is None and tenant_path(model) == "tenant":
        tenant_id = model._meta.get_field("tenant").get_default()
    return tenant_id


class LedgerXLSX(XLSX):
    """.xlsx read with our limits and plain refusals, and written with text kept as text.

    Reading: :func:`core.uploads.read_ledger` checks size, zip and row count before and
    while parsing, on the preview and again on the confirmation (which rereads the stored file).

    Writing: every text becomes a text cell, so that a name like ``=HYPERLINK(...)`` is neither
    run by Excel nor lost on re-import (the stock writer makes it a formula, which our
    ``data_only`` import then reads as empty). django-import-export's own
    ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is deliberately left off: in 4.4.3 it deletes
    the leading "=" (``_escape_formulae``, also tablib's ``escape``) and turns every cell into
    text, so an export followed by an import would rename the project and change its numbers.
    """

    def create_dataset(self, in_stream):
        return read_ledger(in_stream)

    def export_data(self, dataset, **kwargs):
        # A resource may add sheets after the ledger (``dataset.more_sheets``: title,
        # headers, rows each); an import reads the first sheet only (core.uploads).
        more_sheets = getattr(dataset, "more_sheets", ())
        return xlsx_bytes(
            dataset.headers or [], dataset, title=dataset.title, more_sheets=more_sheets
        )
