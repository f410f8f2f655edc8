"""Meetings, webinars and registrants store a problem code (zoom/problems.py) instead of
the host's words: each row's words are read back into their code and the one detail the
code can't carry (an email, the missing scopes, the daily cap's end, Zoom's own message).
Words that match no code (written before these) are kept whole as the detail of `earlier`.
Backwards, the words are written out again."""

import re

from django.db import migrations, models

CHECKLIST = (
    " A Zoom link needs all three: Zoom enabled for the organization by an admin, the event "
    "type's location set to Zoom, and a connected Zoom account (the host's own, or a shared "
    "org account)."
)
LICENCE = "The Zoom account {detail} has no webinar licence, so Zoom can't host a webinar on it."
# The words as they stood when this migration was written: frozen here, as migrations are.
WORDS = {
    "disconnected": "The Zoom account this meeting was on was disconnected from slotlink, so "
    "slotlink can no longer change it. Change it in Zoom.",
    "connection_broken": "The Zoom connection {detail} is broken: reconnect it.",
    "scope_missing": "Zoom did not give slotlink permission for this ({detail}): reconnect "
    "Zoom and allow every permission it asks for.",
    "daily_cap": "Zoom's daily limit of 100 meeting changes for this account is used up; "
    "slotlink will make this change after {detail} UTC.",
    "rate_limited": "Zoom asked slotlink to slow down; retrying.",
    "unreachable": "Zoom could not be reached; retrying.",
    "create_refused": "Zoom refused to create the meeting: {detail}",
    "move_refused": "Zoom refused to move the meeting: {detail}",
    "delete_refused": "Zoom refused to delete the meeting: {detail}",
    "removed": "The Zoom meeting was removed in Zoom, so it could not be moved. Recreate it.",
    "webinars_off": "Webinars on group bookings aren't enabled for this organization (Rollout "
    "card), so no Zoom webinar was created.",
    "webinar_no_account": "No Zoom account was connected for this host (nor a shared org "
    "account), so no Zoom webinar was created." + CHECKLIST,
    "webinar_create_refused": "Zoom refused to create the webinar: {detail}",
    "webinar_removed": "The Zoom webinar was removed in Zoom: Recreate webinar makes a new one.",
    "no_licence": LICENCE + " This event type does not fall back to a meeting.",
    "no_licence_fell_back": LICENCE + " A Zoom meeting is used instead.",
    "host_registered": "The host can't register for their own Zoom webinar (Zoom error 3027): "
    "this booking was made with the host's own email.",
    "registration_refused": "Zoom refused to register this invitee: {detail}",
    "earlier": "{detail}",
}
PATTERNS = [
    (code, re.compile("(.+)".join(re.escape(part) for part in words.split("{detail}")), re.S))
    for code, words in WORDS.items()
]
MODELS = ["ZoomMeeting", "ZoomWebinar", "ZoomRegistrant"]


def code_of(words):
    """The code and detail the words were made from; `earlier` when none made them."""
    for code, pattern in PATTERNS:
        found = pattern.fullmatch(words)
        if found:
            return code, found.group(1) if pattern.groups else ""
    raise AssertionError("`earlier` matches any words")


def to_codes(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("zoom", name)
        for row in model.objects.exclude(problem="").only("id", "problem"):
            code, detail = code_of(row.problem)
            model.objects.filter(pk=row.pk).update(problem_code=code, problem_detail=detail)


def to_words(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("zoom", name)
        for row in model.objects.exclude(problem_code="").only("id", "problem_code", "problem_detail"):
            words = WORDS[row.problem_code].replace("{detail}", row.problem_detail)
            model.objects.filter(pk=row.pk).update(problem=words)


def _code_field():
    return models.CharField(blank=True, default="", max_length=30)


class Migration(migrations.Migration):
    dependencies = [
        ("zoom", "0009_code_arrival"),
    ]

    operations = [
        *(
            operation
            for name in ("zoommeeting", "zoomwebinar", "zoomregistrant")
            for operation in (
                migrations.AddField(model_name=name, name="problem_code", field=_code_field()),
                migrations.AddField(
                    model_name=name, name="problem_detail", field=models.TextField(blank=True)
                ),
            )
        ),
        migrations.RunPython(to_codes, to_words),
        *(
            migrations.RemoveField(model_name=name, name="problem")
            for name in ("zoommeeting", "zoomwebinar", "zoomregistrant")
        ),
    ]
