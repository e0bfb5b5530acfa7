"""How amounts, deadlines and progress read in the admin: 万元, 亿元, lights, bars."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
from django.utils.translation import gettext as _

from .deadlines import LIGHT_COLOURS, Light

WAN_PER_YI = Decimal(10000)


def wan(amount):
    """An amount in 万元 with thousands separators: 52,000.00."""
    if amount is None:
        return "-"
    return f"{Decimal(amount):,.2f}"


def yi(amount_in_wan):
    """An amount in 万元 shown in 亿元, as totals are: 117.77 亿元."""
    value = (Decimal(amount_in_wan or 0) / WAN_PER_YI).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return _("%(amount)s hundred million yuan") % {"amount": f"{value:,.2f}"}


def light(light_value, text=""):
    """A coloured dot for a deadline light, with its meaning as the tooltip."""
    label = Light(light_value).label
    return format_html(
        '<span class="deadline-light deadline-{}" title="{}" style="color:{}">●</span> {}',
        light_value,
        label,
        LIGHT_COLOURS[light_value],
        text or label,
    )


def days_left_text(days):
    if days < 0:
        return _("%(days)d days overdue") % {"days": -days}
    if days == 0:
        return _("due today")
    return _("%(days)d days left") % {"days": days}


def progress_bar(percent):
    colour = LIGHT_COLOURS[Light.GREEN] if percent == 100 else "#1a73e8"
    return format_html(
        '<div class="progress-bar" title="{}%" style="display:inline-block;width:80px;'
        'height:8px;background:#e8eaed;border-radius:4px;vertical-align:middle">'
        '<div style="width:{}%;height:8px;background:{};border-radius:4px"></div></div> {}%',
        percent,
        percent,
        colour,
        percent,
    )
