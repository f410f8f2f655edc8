"""Reminders: emails before a booking starts, set per event type (for example 24 hours and
1 hour before), to the invitee and, if the host asks, to the host too.

Nothing is stored per booking in advance: a periodic job (`scheduling.reminders-send`)
works out from each booking as it is now which reminders are due, so a cancelled booking
gets none and a moved one gets those of its new time. Each reminder email is claimed once
under a unique key (`ReminderEmail`) and sent on core's notice path (`core/mail.py`), so it
goes exactly once however many workers and schedulers run.
"""
