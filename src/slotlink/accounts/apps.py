from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, the organizations they belong to, and their role in each."""

    name = "slotlink.accounts"
    label = "accounts"
