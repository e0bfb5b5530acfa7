"""Department scoping for admin pages: tracker.permissions applied on the server.

Every change view, add view, delete and action of a scoped ModelAdmin asks the one
rule in ``tracker.permissions``; hiding buttons is only a convenience on top.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Department
from .permissions import can_assign, can_change, changeable, department_id_of, is_supervisor


class DepartmentScopedAdmin:
    """Mixin for the ModelAdmin of a model with ``owner_department_path``.

    ``owner_field`` names the model's own foreign key to its department (for
    example "lead_department"); officials may only set it to their own department.
    """

    owner_field = None
    save_service = None  # the app's service that validates and saves the object

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))

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
        # The form already limits the choices; this guards against any other path.
        if not can_assign(request.user, getattr(obj, self.owner_field)):
            raise PermissionDenied
        if self.save_service is not None:
            self.save_service(obj)
        else:
            super().save_model(request, obj, form, change)

    def refuse_unless_all_changeable(self, request, queryset):
        """For actions: True (after telling the user) when any selected object is not theirs."""
        refused = queryset.count() - changeable(request.user, queryset).count()
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
