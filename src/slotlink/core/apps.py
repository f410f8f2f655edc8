from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The app shell: base templates, error pages, and helpers every other app uses."""

    name = "slotlink.core"
    label = "core"

    def ready(self) -> None:
        from slotlink.core import checks  # noqa: F401  (registers the system checks)
