"""Department scoping for the admin pages of owned models (projects, key tasks).

The rule itself is ``changeable_by`` on the model's queryset (core.ownership), asked by
``core.admin.OwnedAdminMixin`` for every page; this mixin adds what a page with an owner
field needs: an official's only choice of owner is their own department, and the save
goes through the app's service, which re-checks who may write, and which version.
"""

from django.contrib import messages
from django.utils.translation import gettext as _

from core.admin import OwnedAdminMixin

from .models import Department
from .permissions import department_id_of, is_supervisor, unchangeable_count


class DepartmentScopedAdmin(OwnedAdminMixin):
    """Mixin for the ModelAdmin of a model with ``owner_department_path``.

    ``owner_field`` names the model's own foreign key to its department (for
    example "lead_department"); officials may only set it to their own department.
    ``save_service(obj, by=user)`` validates and saves.
    """

    owner_field = None
    save_service = None
    # What reports decide: read-only on the page once the object has reports.
    reported_fields = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.updates.exists():
            fields += [name for name in self.reported_fields if name not in fields]
        return fields

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        if not is_supervisor(request.user) and self.owner_field in fields:
            fields.remove(self.owner_field)  # an official has one choice: their own
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.owner_field and not is_supervisor(request.user):
            department_id = department_id_of(request.user)
            kwargs["queryset"] = Department.objects.filter(pk=department_id)
            kwargs["initial"] = department_id
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The service checks the department rule before and after saving, and the version.
        self.save_service(obj, by=request.user)

    def refuse_unless_all_changeable(self, request, queryset):
        """For actions: True (after telling the user) when any selected object is not theirs."""
        refused = unchangeable_count(request.user, queryset)
        if refused:
            self.message_user(
                request,
                _(
                    "Nothing was changed: %(count)d of the selected items belong to "
                    "another department."
                )
                % {"count": refused},
                messages.ERROR,
            )
        return bool(refused)
