"""Agreement areas recorded before 0003 have no timestamps: a syncing client pages by
updated_at, so a NULL would hide them for ever. They get the time of this migration."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, Now


def stamp(apps, schema_editor):
    for name in ("AgreementArea", "HistoricalAgreementArea"):
        model = apps.get_model("cooperation", name)
        model.objects.filter(created_at__isnull=True).update(created_at=Now())
        model.objects.filter(updated_at__isnull=True).update(
            updated_at=Coalesce("created_at", Now())
        )


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0004_sync_index")]

    operations = [
        migrations.RunPython(stamp, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="agreementarea",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="agreementarea",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="historicalagreementarea",
            name="created_at",
            field=models.DateTimeField(blank=True, editable=False, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="historicalagreementarea",
            name="updated_at",
            field=models.DateTimeField(blank=True, editable=False, verbose_name="updated at"),
        ),
    ]
