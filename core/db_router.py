"""Which database a query goes to when a read replica is configured (DATABASE_REPLICA_URL).

Every write, and every read inside a transaction, goes to the primary ("default"). A read
goes to the replica only when all three hold:

- the request being served was marked for the replica by ``core.replica`` (statistics and
  dashboard reads, or every safe API read), and the replica is healthy and has replayed the
  user's own last write: Celery, commands and the admin never are;
- the model is one of the ledger's (``REPLICA_MODELS``): what the statistics, lists and
  dashboards read. Users, sessions, tokens, login records, the audit history, the dispatch
  log and the schedules are never read from a copy that may be seconds old: they decide
  who may do what, and what is sent;
- the primary is not in a transaction: what a transaction reads, it reads where it writes.

Migrations run on the primary only; the replica copies them.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from . import replica

REPLICA = "replica"

REPLICA_MODELS = frozenset(
    {
        # Projects, their reports and the statistics' tallies.
        "projects.project",
        "projects.projectupdate",
        "projects.projecttally",
        "projects.industrychain",
        # Problems (困难问题) and their steps.
        "projects.blocker",
        "projects.blocker_supporting_departments",
        "projects.blockerstep",
        # Key tasks, their reports and work points.
        "tracker.keytask",
        "tracker.keytask_supporting_departments",
        "tracker.taskupdate",
        "tracker.workpoint",
        "tracker.department",
        # Cooperation items.
        "cooperation.cooperationitem",
        "cooperation.cooperationitem_counterparts",
        "cooperation.cooperationupdate",
        "cooperation.counterpart",
        "cooperation.agreementarea",
        # Places. Not tenants and regions: they decide what a province or regional user
        # may read (core.tenancy.reach_of), which must never lag behind the primary.
        "regions.division",
        "regions.park",
        # Targets and rankings.
        "performance.target",
        "performance.rankingsettings",
    }
)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            model._meta.label_lower in REPLICA_MODELS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica.reads_allowed()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows: a replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
