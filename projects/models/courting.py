"""The same investor courted by two cities at once (一企多地招商): the coordinating office's
decision on a case. Cases themselves are computed from the cities' open leads
(``projects.courting``); a row is written when the province's (or the regional working
group's) office marks a case coordinated, and keeps it closed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.ownership import OwnedQuerySet
from core.tenancy import reach_of
from regions.models import Region
from regions.tenancy import TenantOwned
from tracker.choices import OfficialReach


class CourtingState(models.TextChoices):
    OPEN = "open", _("Not yet coordinated")
    COORDINATED = "coordinated", _("Coordinated")


class CourtingCaseQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """A province's users read their province's cases, a regional working group's users
        their region's; a city's users none (a case names the other cities); operators all."""
        reach = reach_of(user)
        if reach.everything:
            return self.all()
        official = getattr(user, "official", None) if reach.own else None
        if official is None:
            return self.none()
        if official.reach == OfficialReach.PROVINCE:
            return self.filter(tenant_id__in=reach.own, region__isnull=True)
        if official.reach == OfficialReach.REGION and official.region_id is not None:
            return self.filter(region_id=official.region_id)
        return self.none()

    def choosable_by(self, user):
        return self.none()  # nothing links to a case


class CourtingCase(TenantOwned):
    """A coordinating office's decision on one investor courted by several of its cities.

    ``tenant`` is the province whose cities court the investor; a regional working group's
    case has its ``region`` (and the tenant of the user who decided). ``key`` is the
    investor's name as compared (``projects.duplicates.investor_key``) and ``credit_code``
    its unified social credit code, when a city recorded one. A coordinated case stays
    closed: a city that starts courting the investor later is shown as new, never reopens
    it (``cities_at_decision`` tells which cities were in contact when it was decided).
    """

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="courting_cases",
    )
    key = models.CharField(_("investor (as compared)"), max_length=300)
    investor = models.CharField(_("investor"), max_length=300)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CourtingState.choices, default=CourtingState.OPEN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    cities_at_decision = models.JSONField(
        _("cities at the decision"),
        default=list,
        blank=True,
        help_text=_("The codes of the cities in contact with the investor when it was decided."),
    )

    objects = CourtingCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("courting case")
        verbose_name_plural = _("courting cases")
        ordering = ["-decided_at", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "key"],
                condition=Q(region__isnull=True),
                name="courting_case_once_per_province",
                violation_error_message=_("This investor's case is already decided."),
            ),
            models.UniqueConstraint(
                fields=["region", "key"],
                condition=Q(region__isnull=False),
                name="courting_case_once_per_region",
                violation_error_message=_("This investor's case is already decided."),
            ),
        ]

    def __str__(self):
        return self.investor or self.key
