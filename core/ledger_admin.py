"""The base of every ledger's admin: Excel import and export."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin

from .excel import LedgerXLSX
from .uploads import LedgerImportForm, SpreadsheetRefused, refusal_message


class LedgerAdmin(ImportExportMixin):
    """Excel in and out (.xlsx only), with errors named by Excel row and column.

    An upload is checked by ``LedgerImportForm`` (size, zip, kind) before it is stored and read
    by ``LedgerXLSX`` (row limit, plain messages); exports keep text as text (``LedgerXLSX``).
    """

    import_formats = [LedgerXLSX]
    export_formats = [LedgerXLSX]
    import_form_class = LedgerImportForm
    import_template_name = "admin/ledger_import.html"

    def get_resource_kwargs(self, request, *args, **kwargs):
        # The resource looks names and codes up in the user's city (core.excel).
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        # The library would show the exception's class name ("BadZipFile"); say what is wrong.
        form.add_error("import_file", refusal_message(e))

    def get_data_for_export(self, request, queryset, **kwargs):
        # The library keeps numbers and dates typed only for its own XLSX class, not for a
        # subclass; ask for them, so that money columns stay numbers Excel can sum.
        kwargs["force_native_type"] = True
        return super().get_data_for_export(request, queryset, **kwargs)

    def process_import(self, request, **kwargs):
        # The confirmation rereads the file stored at the preview: it may have expired, or be
        # refused if tampered with. Either way nothing was imported; say so instead of a 500.
        try:
            return super().process_import(request, **kwargs)
        except (SpreadsheetRefused, OSError) as error:
            detail = str(error) if isinstance(error, SpreadsheetRefused) else ""
            messages.error(
                request,
                " ".join([_("Nothing was imported: upload the file again."), detail]).strip(),
            )
            return redirect("admin:{}_{}_import".format(*self.get_model_info()))

    def process_result(self, result, request):
        # Rows refused at the confirmation (the data changed since the preview) were rolled
        # back; the library would still announce success.
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing was imported: the records changed since the preview. Upload the "
                    "file again to see what is wrong."
                ),
            )
            return redirect("admin:{}_{}_import".format(*self.get_model_info()))
        return super().process_result(result, request)
