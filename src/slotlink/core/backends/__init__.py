"""Database backends: Django's own, with what slotlink's processes need of them."""
