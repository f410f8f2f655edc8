from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The app shell: base templates, error pages, and helpers every other app uses."""

    name = "slotlink.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from slotlink.core import checks  # noqa: F401  (registers the system checks)
        from slotlink.core.datafiles import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="core.private-sqlite")
