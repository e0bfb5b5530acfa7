"""Dispatch and Heartbeat move here from tracker, keeping their tables and rows.

State only: the tables tracker_dispatch and tracker_heartbeat exist already (tracker's
0005 and 0007 made them; ``Meta.db_table`` keeps the names), so the database is not
touched. tracker's 0010 removes the two models from tracker's state and relabels their
content types, which carries the groups' permissions over.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    # After the migrations that made the tables and granted their permissions.
    dependencies = [("tracker", "0009_axes_permissions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Heartbeat",
                    fields=[
                        (
                            "process",
                            models.CharField(
                                max_length=32,
                                primary_key=True,
                                serialize=False,
                                verbose_name="process",
                            ),
                        ),
                        ("beat_at", models.DateTimeField(verbose_name="last seen at")),
                    ],
                    options={
                        "verbose_name": "heartbeat",
                        "verbose_name_plural": "heartbeats",
                        "db_table": "tracker_heartbeat",
                    },
                ),
                migrations.CreateModel(
                    name="Dispatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("reminder", "Overdue reminder"),
                                    ("escalation", "Escalation to supervisors"),
                                    ("heads_up", "Deadline heads-up"),
                                    ("digest", "Weekly digest"),
                                ],
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "subject_key",
                            models.CharField(
                                help_text="The department, item or “city” it is about.",
                                max_length=64,
                                verbose_name="about",
                            ),
                        ),
                        ("recipient", models.EmailField(max_length=254, verbose_name="recipient")),
                        (
                            "period",
                            models.DateField(
                                help_text="The day, the week's Monday, or the deadline it is for.",
                                verbose_name="period",
                            ),
                        ),
                        ("subject", models.CharField(max_length=255, verbose_name="subject")),
                        ("body_text", models.TextField(verbose_name="text")),
                        ("body_html", models.TextField(blank=True, verbose_name="HTML")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed, will retry"),
                                    ("superseded", "Superseded by a newer email"),
                                ],
                                default="pending",
                                max_length=16,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
                        ),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        (
                            "next_attempt_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="next attempt at"
                            ),
                        ),
                        (
                            "claimed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="claimed at"),
                        ),
                        (
                            "sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                    ],
                    options={
                        "verbose_name": "email dispatch",
                        "verbose_name_plural": "email dispatch log",
                        "db_table": "tracker_dispatch",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(fields=["status", "next_attempt_at"], name="dispatch_due")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "subject_key", "recipient", "period"),
                                name="dispatch_once_per_key",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
