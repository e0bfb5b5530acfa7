"""manage.py build_bulletin --period month --date 2023-12-31: build (or rebuild) a bulletin."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bulletins.content import wan, yi
from bulletins.models import BulletinKind
from bulletins.services import build_bulletin
from core.tenancy import acting_for
from performance.counting import headline
from regions.models import Tenant


def a_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--date: not a date (YYYY-MM-DD): {text!r}") from error


class Command(BaseCommand):
    help = (
        "Build the weekly or monthly bulletin (通报) of the period containing --date, from the "
        "history; rebuilding an unchanged period gives the same files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=BulletinKind.values, default=BulletinKind.MONTH)
        parser.add_argument("--date", type=a_date, required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--city",
            default=None,
            help="the office whose bulletin, as its GB/T 2260 code (default: TRACKER_CITY_CODE)",
        )

    def handle(self, *args, period, date, city, **options):
        code = city or settings.TRACKER_CITY_CODE
        if not Tenant.objects.filter(code=code).exists():
            raise CommandError(f"--city: no city or province {code!r} in this tracker")
        with acting_for(code):
            try:
                bulletin = build_bulletin(period, date, tenant=code)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            start = bulletin.period_end.replace(month=1, day=1)
            figures = headline(start, bulletin.period_end, code)
        self.stdout.write(f"{bulletin.number} {bulletin.title}")
        self.stdout.write(
            f"  document: {bulletin.document.name}  sha256 {bulletin.document_sha256}"
        )
        self.stdout.write(f"  annex:    {bulletin.annex.name}  sha256 {bulletin.annex_sha256}")
        self.stdout.write(
            f"  {bulletin.period_end.year}-01-01..{bulletin.period_end}: signed {figures.signed}, "
            f"started {figures.started}, in operation {figures.producing}, funds in place "
            f"{wan(figures.funds_in_place)} 万元 ({yi(figures.funds_in_place)} 亿元); "
            f"Beijing-Tianjin-Hebei ≥1亿元 started {figures.jjj_started} with "
            f"{yi(figures.jjj_started_funds)} 亿元 in place; under review {figures.under_review}"
        )
