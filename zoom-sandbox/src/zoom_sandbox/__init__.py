"""A Zoom-compatible sandbox server.

An app's demo, development and tests talk to this server instead of zoom.us: it serves
Zoom's OAuth pages and token endpoint, the REST v2 endpoints slotlink uses, Marketplace
pages and signed webhooks, with Zoom's shapes, over real HTTP. It is its own distribution
and program (`zoom-sandbox`, README.md beside src/): slotlink runs it as a separate
process and never imports it, and it imports nothing of slotlink.
"""

from zoom_sandbox.app import create_app
from zoom_sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "create_app"]
