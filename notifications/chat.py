"""Messages for group robots (WeCom, DingTalk): the emails' content as markdown, fitted to
what a chat message may hold.

Each email template has a markdown twin in ``notifications/chat/<name>.md``, rendered
from the same context the email is, with its own template engine whose filters escape
every value (``md``, ``md_url``): a department's, project's or task's name is data, and
in a markdown message data could otherwise make links, headings or WeCom's ``<font>``
tags. The title is the email's subject.

A message must stay within the platforms' limits (WeCom: 4,096 bytes of markdown;
DingTalk documents 20,000), so it is fitted to ``BUDGET`` bytes by listing fewer rows in
each list (the lists are the contexts' sections, ``{"rows", "total", "more"}``), which
then say how many they left out; text is never cut inside a character or a link.
"""

from urllib.parse import quote

from django import template
from django.conf import settings
from django.template import Context, Engine
from django.utils import translation

# Bytes of UTF-8 a message may hold: under WeCom's 4,096 with room for DingTalk's
# keyword, which the DingTalk channel adds to the title line.
BUDGET = 4000

register = template.Library()

# Characters that make markdown (or the HTML WeCom's markdown accepts) out of data, and
# their full-width look-alikes: these render the same on every platform, where a
# backslash escape is honoured by some and shown by others.
ESCAPES = str.maketrans(
    {
        "<": "＜",
        ">": "＞",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "~": "～",
        "#": "＃",
        "|": "｜",
        "\\": "＼",
        "!": "！",
        "\r": " ",
        "\n": " ",
        "\t": " ",
        "\x0b": " ",
        "\x0c": " ",
    }
)


@register.filter
def md(value):
    """``value`` as plain text inside markdown: no markup, no line break, no live address
    (a bare ``http://`` is made unlinkable, so a name cannot smuggle a link in)."""
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text.translate(ESCAPES) if ch >= " " or ch == " ")
    return text.replace("://", "：//")


@register.filter
def md_url(value):
    """One of our own links, safe inside ``[text](...)``: characters that would end the
    link (spaces, parentheses, angle brackets, quotes) percent-encoded."""
    return quote(str(value), safe=":/?&=%#@$+,;~-._")


def engine():
    """The chat templates' engine: the project's template directories and apps, no HTML
    escaping (``md`` escapes for markdown), i18n, and the two filters above."""
    if not hasattr(engine, "instance"):
        engine.instance = Engine(
            dirs=[str(path) for path in settings.TEMPLATES[0].get("DIRS", [])],
            app_dirs=True,
            autoescape=False,
            libraries={"i18n": "django.templatetags.i18n"},
            builtins=["notifications.chat"],
        )
    return engine.instance


def size(text):
    return len(text.encode("utf-8"))


def is_section(value):
    return isinstance(value, dict) and "rows" in value and "total" in value


def trimmed(value, rows):
    """A copy of a context in which every section lists at most ``rows`` rows (and counts
    the rest in ``more``); sections nested in rows are trimmed too."""
    if is_section(value):
        kept = [trimmed(row, rows) for row in value["rows"][:rows]]
        return {**value, "rows": kept, "more": value["total"] - len(kept)}
    if isinstance(value, dict):
        return {key: trimmed(item, rows) for key, item in value.items()}
    if isinstance(value, list):
        return [trimmed(item, rows) for item in value]
    return value


def longest(value):
    """The most rows any section of a context lists."""
    if is_section(value):
        return max([len(value["rows"]), *(longest(row) for row in value["rows"])])
    if isinstance(value, dict):
        return max([0, *(longest(item) for item in value.values())])
    if isinstance(value, list):
        return max([0, *(longest(item) for item in value)])
    return 0


def render(name, context):
    with translation.override(settings.LANGUAGE_CODE):
        text = engine().get_template(f"notifications/chat/{name}.md").render(Context(context))
    # Blank lines that only the template's tags left: one at most between paragraphs.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept)


def fit(name, context, limit=BUDGET):
    """``name`` rendered with as many rows per list as fit in ``limit`` bytes (the most,
    found by bisection: a row more never makes a message shorter)."""
    most = longest(context)
    text = render(name, trimmed(context, most))
    if size(text) <= limit:
        return text
    low, high = 0, most - 1  # the answer is in [low, high], if anything fits
    best = None
    while low <= high:
        middle = (low + high) // 2
        candidate = render(name, trimmed(context, middle))
        if size(candidate) <= limit:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if best is None:
        return whole_lines(render(name, trimmed(context, 0)), limit)
    return best


def whole_lines(text, limit):
    """The last resort for a message too long even without rows (a very long notice):
    whole lines from the top while they fit, then an ellipsis line."""
    ellipsis = "……"
    kept, used = [], size(ellipsis) + 1
    for line in text.splitlines():
        if used + size(line) + 1 > limit:
            break
        kept.append(line)
        used += size(line) + 1
    return "\n".join([*kept, ellipsis])


def chat_message(name, context, *, title):
    """(title, markdown) for ``name``: the title is one line of plain text (DingTalk shows
    it in the chat list), the markdown starts with it as a heading."""
    title = " ".join(str(title).split())
    context = {**context, "title": title, "site_url": settings.SITE_BASE_URL.rstrip("/")}
    return title, fit(name, wrap_lists(name, context))


# Plain lists in a context that a message may shorten too (a digest's departments, the
# leadership summary's groups, the departments that missed a cut-off).
LISTS = {"city_digest": ("sections", "late"), "leadership": ("groups",)}


def wrap_lists(name, context):
    for key in LISTS.get(name, ()):
        value = context.get(key) or []
        context[key] = {"rows": list(value), "total": len(value), "more": 0}
    return context
