"""Calendar connections (issue 21): a host's own calendars, read for busy times and
written with bookings. CalDAV first; client.py is the one module that speaks it."""
