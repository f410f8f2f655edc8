"""The Zoom pages' forms: the Rollout card and the sync log's filters."""

from django import forms
from django.db.models import QuerySet

from slotlink.core.bidi import TypedOptionsSelect
from slotlink.core.text import HiddenControlsRefused
from slotlink.zoom.models import SyncLogEntry, ZoomConnection


class ZoomAccountField(forms.ModelChoiceField[ZoomConnection]):
    def label_from_instance(self, obj: ZoomConnection) -> str:
        return obj.zoom_user.email


class RolloutForm(HiddenControlsRefused, forms.Form):
    enabled = forms.BooleanField(required=False, label="Enable Zoom for this organization")
    multi_account_routing = forms.BooleanField(required=False, label="Enable multi-account routing")
    default_connection = ZoomAccountField(
        queryset=ZoomConnection.objects.none(),
        required=False,
        label="Default Zoom account",
        widget=TypedOptionsSelect(),
        empty_label="The first connected org account",
        help_text="Hosts without their own Zoom get meetings on this account.",
    )
    webinars_enabled = forms.BooleanField(required=False, label="Enable webinars on group bookings")

    def __init__(self, *args: object, org_accounts: QuerySet[ZoomConnection], **kwargs: object):
        super().__init__(*args, **kwargs)
        field = self.fields["default_connection"]
        assert isinstance(field, ZoomAccountField)
        field.queryset = org_accounts


class SyncLogFilterForm(HiddenControlsRefused, forms.Form):
    account = forms.ChoiceField(required=False, label="Account")
    action = forms.ChoiceField(required=False, label="Action")
    outcome = forms.ChoiceField(
        required=False,
        label="Outcome",
        choices=[("", "Any outcome"), *SyncLogEntry.Outcome.choices],
    )
    booking = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, label="Booking")
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def __init__(
        self,
        *args: object,
        accounts: list[tuple[str, str]],
        actions: list[str],
        **kwargs: object,
    ):
        super().__init__(*args, **kwargs)
        account = self.fields["account"]
        action = self.fields["action"]
        assert isinstance(account, forms.ChoiceField)
        assert isinstance(action, forms.ChoiceField)
        account.choices = [("", "Any account"), *accounts]
        action.choices = [("", "Any action"), *((a, a) for a in actions)]
