"""Messages of django-import-export that its own Chinese catalogue leaves untranslated.

Listed here (never called) so that ``makemessages`` keeps them in our catalogue,
where their Chinese is; our catalogue is consulted before the library's.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. "
        "Ensure you have chosen the correct format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop("Resource"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present "
        "in the file headers: %s"
    ),
    gettext_noop("Select all"),
    gettext_noop("Value could not be parsed."),
]
