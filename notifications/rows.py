"""An email's item rows, built in Python: what ``_rows.txt`` and ``_rows.html`` render.

A digest run renders a few thousand rows (20 per section and department, 5 per
department again in the city's digest); through the template engine (includes, an
``{% if %}`` and a ``{% blocktranslate count %}`` per row) that was most of a 300-department
run's time. The frame (greeting, headings, links to the lists) stays a template; the rows
come from here, each value HTML-escaped (``escape``) exactly as the templates' autoescape.
``notifications/tests/test_fanout.py`` checks both renderings agree, so the templates stay
the reference (reminders still render their rows with them).
"""

import functools
from html import escape  # what django.utils.html.escape does, without its lazy wrapper

from django.conf import settings
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

# What a section's rows say after the deadline, by the templates' ``mode``.
MODES = ("overdue", "soon", "done")


def day(value):
    """The templates' ``|date:"Y-m-d"`` of a date (empty for none)."""
    return value.isoformat() if value else ""


@functools.lru_cache(maxsize=512)
def _counted(singular, plural, days, language):
    return ngettext(singular, plural, days) % {"days": days}


def overdue_words(days):
    return _counted("%(days)s day overdue", "%(days)s days overdue", days, get_language())


def left_words(days):
    return _counted("%(days)s day left", "%(days)s days left", days, get_language())


def text_rows(rows, mode):
    """``_rows.txt`` for ``rows`` (``listing.with_links`` dicts) in ``mode``."""
    with translation.override(settings.LANGUAGE_CODE):
        deadline, completed = gettext("deadline"), gettext("completed on")
        out = []
        for row in rows:
            item = row["item"]
            extra = ""
            if mode == "overdue":
                extra = "，" + overdue_words(row["days_overdue"])
            elif mode == "soon":
                extra = "，" + left_words(row["days_left"])
            elif mode == "done":
                extra = f"，{completed} {day(item.completed_on)}"
            out.append(
                f"- {item.code} {item.title}（{item.kind}，{deadline} {day(item.due_on)}{extra}）\n"
                f"  {row['url']}\n"
            )
        return "".join(out) + "\n"


def html_rows(rows, mode):
    """``_rows.html`` for ``rows`` in ``mode`` (safe HTML: every value escaped as the
    template's autoescape does)."""
    with translation.override(settings.LANGUAGE_CODE):
        deadline, completed = escape(gettext("deadline")), escape(gettext("completed on"))
        out = ['<ul style="padding-left:18px;margin:4px 0 16px">\n']
        for row in rows:
            item = row["item"]
            extra = ""
            if mode == "overdue":
                words = escape(overdue_words(row["days_overdue"]))
                extra = f' · <b style="color:#d93025">{words}</b>'
            elif mode == "soon":
                extra = f" · {escape(left_words(row['days_left']))}"
            elif mode == "done":
                extra = f" · {completed} {day(item.completed_on)}"
            out.append(
                f'<li style="margin:0 0 8px;line-height:1.5"><a href="{escape(row["url"])}" '
                f'style="color:#1a73e8">{escape(item.code)} {escape(item.title)}</a><br>\n'
                f'<span style="font-size:13px;color:#5f6368">{escape(item.kind)} · {deadline} '
                f"{day(item.due_on)}{extra}</span></li>\n"
            )
        out.append("</ul>\n")
        return mark_safe("".join(out))  # every value escaped above


def moment(value):
    """The templates' ``|date:"Y-m-d H:i"`` of an aware datetime (in the site's zone)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def local_day(value):
    return timezone.localtime(value).date().isoformat() if value else ""


def owed_words(item):
    """(what is due and when, what was last reported) of an owed item, as the rows say."""
    due = gettext("receipt due") if item.what == "receipt" else gettext("cut-off")
    if item.what != "report":
        return f"{due} {moment(item.cutoff)}", None
    if item.last_reported_at:
        return (
            f"{due} {moment(item.cutoff)}",
            f"{gettext('last report')} {local_day(item.last_reported_at)}",
        )
    return f"{due} {moment(item.cutoff)}", gettext("no report yet")


def owed_text_rows(rows):
    """``_owed_rows.txt`` for ``rows`` (``owed`` dicts: item and url)."""
    with translation.override(settings.LANGUAGE_CODE):
        out = []
        for row in rows:
            item = row["item"]
            due, last = owed_words(item)
            extra = f"，{last}" if last is not None else ""
            out.append(f"- {item.code} {item.title}（{item.kind}，{due}{extra}）\n  {row['url']}\n")
        return "".join(out)  # the template has no newline after its loop


def owed_html_rows(rows):
    """``_owed_rows.html`` for ``rows`` (safe HTML: every value escaped)."""
    with translation.override(settings.LANGUAGE_CODE):
        out = ['<ul style="padding-left:18px;margin:4px 0 16px">\n']
        for row in rows:
            item = row["item"]
            due, last = owed_words(item)
            extra = f" · {escape(last)}" if last is not None else ""
            out.append(
                f'<li style="margin:0 0 8px;line-height:1.5"><a href="{escape(row["url"])}" '
                f'style="color:#1a73e8">{escape(item.code)} {escape(item.title)}</a><br>\n'
                f'<span style="font-size:13px;color:#5f6368">{escape(item.kind)} · '
                f"{escape(due)}{extra}</span></li>\n"
            )
        out.append("</ul>")  # the template has no newline after it
        return mark_safe("".join(out))  # every value escaped above


def rendered_owed(owed):
    """An ``Owed.section`` with each list's rows rendered (``text``, ``html``)."""
    return {
        **owed,
        **{
            name: {
                **owed[name],
                "text": owed_text_rows(owed[name]["rows"]),
                "html": owed_html_rows(owed[name]["rows"]),
            }
            for name in ("reports", "receipts")
        },
    }


def rendered(section, mode):
    """``section`` (``Listing.section``) with its rows rendered: ``text`` and ``html``."""
    return {
        **section,
        "text": text_rows(section["rows"], mode),
        "html": html_rows(section["rows"], mode),
    }
