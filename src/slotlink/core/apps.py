from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure every app uses (tasks, periodic jobs, mail, metrics, ids, encryption,
    logs, health); it imports no app."""

    name = "slotlink.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from slotlink.core import checks  # noqa: F401  (registers the system checks)
        from slotlink.core.datafiles import on_connection_created
        from slotlink.core.text_search import on_connection_created as text_search_ready

        connection_created.connect(on_connection_created, dispatch_uid="core.private-sqlite")
        connection_created.connect(text_search_ready, dispatch_uid="core.text-search")
        self._register_periodic_jobs()

    def _register_periodic_jobs(self) -> None:
        from datetime import timedelta

        from slotlink.core.periodic import register_periodic
        from slotlink.core.tasks import lost_tasks_recover

        register_periodic("core.lost-tasks", every=timedelta(minutes=1), task=lost_tasks_recover)
