"""Who: departments, their officials with their roles, and the city leaders over them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.ownership import OwnedManager
from core.timestamps import Timestamped
from core.validators import email_errors, one_line_errors
from regions.models import Division, Region
from regions.tenancy import TenantOwned

from ..choices import OfficialReach, OfficialRole


class Department(TenantOwned, Timestamped):
    """A municipal department (市直部门) that owns key tasks and projects."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50)
    division = models.ForeignKey(
        Division,
        verbose_name=_("government of"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("The division whose government the department belongs to."),
    )
    has_liaison_section = models.BooleanField(
        _("has a Beijing-Tianjin-Hebei liaison section"),
        default=False,
        help_text=_("Whether the department has set up a 对接京津冀工作科."),
    )
    email = models.EmailField(_("email"), blank=True)
    # The department's code in the government's identity provider: single sign-on
    # (tracker.sso) places an official in the department whose code the login claims.
    sso_code = models.CharField(  # noqa: DJ001 (null: blank codes are not unique)
        _("single sign-on code"),
        max_length=64,
        null=True,
        blank=True,
        help_text=_("The department's code in the identity provider's department claim."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()
    history = HistoricalRecords(excluded_fields=["is_demo"])
    # A province user reads its cities' departments (who owns their key tasks).
    province_reads_whole = True

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"],
                name="department_name_unique_in_tenant",
                violation_error_message=_("A department with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "short_name"],
                name="department_short_name_unique_in_tenant",
                violation_error_message=_("A department with this short name already exists."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "sso_code"],
                name="department_sso_code_unique_in_tenant",
                condition=Q(sso_code__isnull=False),
                violation_error_message=_(
                    "Another department already has this single sign-on code."
                ),
            ),
        ]

    # What __str__ shows, read without building objects (core.admin_filters).
    choice_label_fields = ("short_name", "name")

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        errors = {**one_line_errors(self, "name", "short_name"), **email_errors(self, "email")}
        if errors:
            raise ValidationError(errors)


class Official(TenantOwned):
    """The tracker profile of a user: which department they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="official",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=OfficialRole.choices,
        default=OfficialRole.HANDLER,
        help_text=_("Decides which rung of the escalation ladder reaches the official."),
    )
    is_supervisor = models.BooleanField(
        _("supervisor"),
        default=False,
        help_text=_("Works in the leading group office and supervises every department."),
    )
    receives_digest = models.BooleanField(_("receives the weekly digest"), default=True)
    reach = models.CharField(
        _("reach"),
        max_length=16,
        choices=OfficialReach.choices,
        default=OfficialReach.CITY,
        help_text=_(
            "A province user reads the province's cities (what they share upward); a "
            "regional user reads the chain projects of a region's cities."
        ),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text=_("For a regional user: the region whose chain projects they read."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_supervisor=True) | Q(department__isnull=False),
                name="official_supervisor_or_department",
                violation_error_message=_(
                    "An official who is not a supervisor needs a department."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reach=OfficialReach.REGION, region__isnull=False)
                | (~Q(reach=OfficialReach.REGION) & Q(region__isnull=True)),
                name="official_region_for_regional_reach",
                violation_error_message=_("A regional user needs a region, and only they."),
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def tenant_reach(self):
        """What this official reads (core.tenancy.Reach), kept for the request."""
        key = (self.tenant_id, self.reach, self.region_id)
        cached = getattr(self, "_reach_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        reach = self._reach()
        self._reach_cache = (key, reach)
        return reach

    def _reach(self):
        from core.tenancy import Reach
        from regions.models import Tenant

        own = (self.tenant_id,)
        if self.reach == OfficialReach.PROVINCE:
            cities = Tenant.objects.filter(parent_id=self.tenant_id).values_list("code", flat=True)
            return Reach(own=own, cities=tuple(cities))
        if self.reach == OfficialReach.REGION and self.region_id is not None:
            cities = self.region.cities.values_list("code", flat=True)
            return Reach(
                own=own, region_cities=tuple(cities), region_groups=tuple(self.region.chain_groups)
            )
        return Reach(own=own)


class CityLeader(TenantOwned):
    """A city leader (分管领导, e.g. a vice-mayor) and the departments they oversee: the
    top rung of the escalation ladder reaches them in their daily summary."""

    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, help_text=_("For example 副市长."))
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="city_leader",
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments overseen"), related_name="city_leaders"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo record"), default=False, editable=False)

    objects = OwnedManager()

    class Meta:
        verbose_name = _("city leader")
        verbose_name_plural = _("city leaders")
        ordering = ["name"]

    def __str__(self):
        return f"{self.title} {self.name}"

    def clean(self):
        errors = {**one_line_errors(self, "name", "title"), **email_errors(self, "email")}
        if errors:
            raise ValidationError(errors)
