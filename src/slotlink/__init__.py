"""slotlink: self-hostable scheduling where every booking gets its Zoom link, and keeps it."""
