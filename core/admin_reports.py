"""Recording a dated report (project status, task progress) from an object's admin page.

The report goes through the app's service, so the admin and the API share one set
of rules; reports are history, shown read-only beneath the object.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin import OwnedInlineMixin, RecordHistoryAdmin, RecordOnlyAdminMixin
from .evidence_serving import thumbnail_html
from .ownership import can_change


class ReportHistoryInline(OwnedInlineMixin, admin.TabularInline):
    """A read-only history of reports: they are added through a service, never edited.

    With ``evidence_url_name`` (the URL name of the view serving the report's evidence
    files, e.g. "task_evidence"), the column ``evidence_links`` lists each report's files.
    """

    extra = 0
    can_delete = False
    ordering = ["-reported_on", "-created_at"]
    evidence_url_name = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self.evidence_url_name:
            return queryset
        # A report the user reads may carry files they do not (a province user reads a
        # shared project's reports, not its files): list only the readable ones.
        evidence = self.model._meta.get_field("evidence").related_model
        readable = evidence._default_manager.visible_to(request.user)
        return queryset.prefetch_related(Prefetch("evidence", queryset=readable))

    @admin.display(description=gettext_lazy("evidence files"))
    def evidence_links(self, report):
        links = [
            thumbnail_html(
                evidence,
                reverse(self.evidence_url_name, args=[evidence.pk]),
                reverse(f"{self.evidence_url_name}_thumbnail", args=[evidence.pk]),
            )
            for evidence in report.evidence.all()
        ]
        return format_html_join(" ", "{}", ((link,) for link in links)) if links else "-"

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyReportAdmin(RecordOnlyAdminMixin, RecordHistoryAdmin):
    """Reports are history: listed and read, recorded from their object's page only."""


class RecordReportAdmin:
    """Mixin adding a "record a report" page to a ModelAdmin.

    Subclasses set ``report_form_class`` (a plain form) and implement
    ``record_report(obj, user, data)`` calling the service, and ``report_initial``.
    """

    report_form_class = None
    report_button_label = gettext_lazy("Record progress")
    change_form_template = "admin/report_change_form.html"

    def report_initial(self, obj):
        return {}

    def record_report(self, obj, user, data):
        raise NotImplementedError

    def get_urls(self):
        return [
            path(
                "<path:object_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_report",
            ),
            *super().get_urls(),
        ]

    def report_url(self, obj):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_report",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )

    @admin.display(description=gettext_lazy("Report"))
    def report_link(self, obj):
        return format_html(
            '<a class="report-link" href="{}">{}</a>',
            self.report_url(obj),
            self.report_button_label,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and can_change(request.user, obj):
            context["report_url"] = self.report_url(obj)
            context["report_button_label"] = self.report_button_label
        return super().render_change_form(request, context, add, change, form_url, obj)

    def report_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = self.report_form_class(
            request.POST or None, request.FILES or None, initial=self.report_initial(obj)
        )
        if request.method == "POST" and form.is_valid():
            try:
                self.record_report(obj, request.user, form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    _("The report on “%(obj)s” was recorded.") % {"obj": obj},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[obj.pk],
                        current_app=self.admin_site.name,
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": self.report_button_label,
            "subtitle": str(obj),
            "opts": self.opts,
            "original": obj,
            "form": form,
            "media": self.media + form.media,
            "history": obj.updates.all()[:5],
        }
        return TemplateResponse(request, "admin/report_form.html", context)
