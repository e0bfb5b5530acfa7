"""The project tally's triggers again (core.tallies): a project whose ledger year is 0 (only
raw SQL can store one) was counted twice in the "all years" cells, its own cell and its
copy being the same. Only the triggers' functions change; a check (``check_tallies``) now
finds such a project's cells and ``--repair`` rebuilds them."""

from django.db import migrations

from core.tally_migrations import installed


class Migration(migrations.Migration):
    dependencies = [("projects", "0023_tally_checks")]

    operations = [installed("projects.tallies.PROJECT_TALLY", recount=False)]
