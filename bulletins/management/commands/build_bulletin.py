"""manage.py build_bulletin --period month --date 2023-12-31: build (or rebuild) a bulletin."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bulletins.content import wan, yi
from bulletins.models import BulletinKind
from bulletins.services import build_bulletin
from performance.counting import headline


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

    def handle(self, *args, period, date, **options):
        try:
            bulletin = build_bulletin(period, date)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        figures = headline(bulletin.period_end.replace(month=1, day=1), bulletin.period_end)
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
