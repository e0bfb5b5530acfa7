"""Every word the tracker shows has its Chinese, and the compiled catalogue matches the source."""

import gettext
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
TRACKER_APPS = (
    "regions",
    "tracker",
    "projects",
    "cooperation",
    "notifications",
    "performance",
    "bulletins",
)


def test_catalogue_is_complete_and_compiled():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            translated = compiled.ngettext(entry.msgid, entry.msgid_plural, 2)
            assert translated == entry.msgstr_plural[0], entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def tracker_models():
    # Audit tables (simple-history's Historical*) are labelled by the library.
    return [
        model
        for app in TRACKER_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.model_name.startswith("historical")
    ]


@pytest.mark.parametrize("model", tracker_models(), ids=lambda m: m._meta.label)
def test_every_model_field_and_choice_reads_in_chinese(model):
    def differs(text):
        with translation.override("en"):
            english = str(text)
        with translation.override("zh-hans"):
            return str(text) != english

    assert differs(model._meta.verbose_name)
    assert differs(model._meta.verbose_name_plural)
    for field in model._meta.get_fields():
        if not hasattr(field, "verbose_name") or field.auto_created:
            continue
        assert differs(field.verbose_name), f"{model.__name__}.{field.name}"
        if field.help_text:
            assert differs(field.help_text), f"{model.__name__}.{field.name} help"
        for _value, label in field.choices or []:
            assert differs(label), f"{model.__name__}.{field.name}: {label}"
    for constraint in model._meta.constraints:
        if constraint.violation_error_message:
            assert differs(constraint.violation_error_message), constraint.name
