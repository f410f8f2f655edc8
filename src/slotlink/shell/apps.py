from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The top layer: the pages around the apps (the root, /360/, health, metrics, the
    queue), the navigation every page shows, and `slotlink run`'s demo. It may import every
    app; none imports it (the layers contract in pyproject.toml)."""

    name = "slotlink.shell"
    label = "shell"
