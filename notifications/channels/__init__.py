"""The channels a dispatch goes out by, one module each, by ``Dispatch.channel``.

A new channel adds its module, its entry here, and its fault scenarios to
notifications/tests/test_smtp_faults.py, which fails until it does.
"""

from .base import Defer, Disable
from .dingtalk import DingTalkChannel
from .email import EmailChannel
from .webhook import WebhookChannel
from .wecom import WeComChannel

CHANNELS = {
    "email": EmailChannel,
    "webhook": WebhookChannel,
    "wecom": WeComChannel,
    "dingtalk": DingTalkChannel,
}

__all__ = ["CHANNELS", "Defer", "Disable", "EmailChannel"]
