"""Zoom webinars for group bookings: one per session, a registrant (and a personal join link)
per booking, attendance back."""
