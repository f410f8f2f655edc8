"""Writes of the scheduling app, one module per subject; views and tasks call these."""
