"""The channels a dispatch goes out by, one module each, by ``Dispatch.channel``.

A new channel adds its module, its entry here, and its fault scenarios to
notifications/tests/test_smtp_faults.py, which fails until it does.
"""

from .base import Defer, Disable
from .email import EmailChannel

CHANNELS = {"email": EmailChannel}

__all__ = ["CHANNELS", "Defer", "Disable", "EmailChannel"]
