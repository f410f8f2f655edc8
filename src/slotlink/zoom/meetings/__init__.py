"""A Zoom meeting for every booking: desired state, sync with Zoom, what the booking shows,
and what changed in Zoom."""
