"""Each tally check keeps its outcome, for /healthz (projects.tally_health)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0022_report_created_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='TallyCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('checked_at', models.DateTimeField(db_index=True, verbose_name='checked at')),
                ('tenant_id', models.CharField(blank=True, max_length=6, verbose_name='city code')),
                ('differing', models.PositiveIntegerField(verbose_name='cells that differed')),
                ('repaired', models.BooleanField(default=False, verbose_name='rebuilt')),
                ('first_difference', models.CharField(blank=True, max_length=255, verbose_name='first difference')),
            ],
            options={
                'verbose_name': 'tally check',
                'verbose_name_plural': 'tally checks',
                'ordering': ['-checked_at', '-id'],
            },
        ),
    ]
