from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The app shell: base templates, error pages, and helpers every other app uses."""

    name = "slotlink.core"
    label = "core"
