"""Limits on public booking, so the booking page can't be used to send floods of emails
(and make floods of Zoom meetings) to addresses a stranger picks.

Bookings made on the public page are counted per hour: per client address (across every
organization), per invitee email for one event type, per event type and per organization.
A booking past a limit, or from an address or for an email the organization blocked, is
refused whole: no booking, no email, no conferencing work. The refusal is kept for a day,
so the host (the organization's admins, for its own limit) sees the flood on the bookings
page, is emailed about it at most once an hour, and can block an address or an email.
"""
