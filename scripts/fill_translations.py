"""Fill untranslated entries of a .po file from a dict, and compile the .mo beside it.

Usage: python scripts/fill_translations.py PO_FILE TRANSLATIONS.py
TRANSLATIONS.py defines ZH = {msgid: msgstr}. Entries already translated are kept;
msgids the dict lacks are listed so nothing goes untranslated unnoticed. Uses polib,
so it runs where GNU gettext (msgfmt) is not installed.
"""

import runpy
import sys

import polib


def main(po_path, dict_path):
    translations = runpy.run_path(dict_path)["ZH"]
    catalog = polib.pofile(po_path)
    for entry in catalog:
        if entry.obsolete:
            continue
        fuzzy = "fuzzy" in entry.flags
        # Chinese has one plural form: a plural entry's translation is its msgstr[0].
        current = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        # makemessages guesses a translation for a new msgid from a similar old one
        # and marks it fuzzy; such a guess is replaced, never kept.
        if (fuzzy or not current) and entry.msgid in translations:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: translations[entry.msgid]}
            else:
                entry.msgstr = translations[entry.msgid]
            if fuzzy:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
        elif fuzzy:
            print("fuzzy, check it:", entry.msgid)
        elif not current:
            print("untranslated:", entry.msgid)
    catalog.save(po_path)
    catalog.save_as_mofile(po_path.removesuffix(".po") + ".mo")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
