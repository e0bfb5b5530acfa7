"""Deletions a syncing client must learn of: a Tombstone per deleted row of a synced model.

Each domain app calls ``track_deletions(<its synced models>)`` from its AppConfig.ready()
(core imports no app; import this module inside ready(), once models are loaded). A
``post_delete`` receiver is bookkeeping, like simple_history's own, not a business rule:
it writes one row in the deleting transaction, so a rolled-back delete leaves none.
Django sends ``post_delete`` for every row a ``QuerySet.delete()`` or a cascade removes
once a receiver is connected (it then gives up its fast delete for the model);
``QuerySet.update()`` and raw SQL are not seen, and nothing here deletes that way.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete

from .models import Tombstone

# "app_label.modelname" of every tracked model: the deletions feed's choices.
TRACKED = {}


def track_deletions(*models):
    for model in models:
        label = model._meta.label_lower
        TRACKED[label] = model
        post_delete.connect(record_deletion, sender=model, dispatch_uid=f"tombstone:{label}")


def tracked_labels():
    return sorted(TRACKED)


def record_deletion(sender, instance, **kwargs):
    Tombstone.objects.create(
        model=sender._meta.label_lower, object_id=instance.pk, tenant_id=tenant_of(instance)
    )


def tenant_of(instance):
    """The deleted row's tenant code; cascades delete children first, so the parent a
    path runs through is still readable here."""
    from .ownership import follow
    from .tenancy import tenant_path

    path = tenant_path(type(instance))
    if path is None:
        return ""
    try:
        return follow(instance, path) or ""
    except ObjectDoesNotExist:
        return ""
