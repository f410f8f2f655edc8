"""A Zoom-compatible sandbox server.

slotlink's demo, development and tests talk to this server instead of zoom.us: it serves
Zoom's OAuth pages and token endpoint, the REST v2 endpoints slotlink uses, Marketplace
pages and signed webhooks, with Zoom's shapes, over real HTTP. It is a separate program
(`slotlink sandbox`); the product never imports it, and it imports nothing of the product.
"""

from slotlink.sandbox.app import create_app
from slotlink.sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "create_app"]
