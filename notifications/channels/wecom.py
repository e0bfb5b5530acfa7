"""WeCom (企业微信) group robots: ``POST <webhook_url>`` (``…/cgi-bin/webhook/send?key=…``)
with ``{"msgtype": "markdown", "markdown": {"content": …}}``.

Sources (see docs/plans/issue-18-integrations.md, 5.1): WeCom's 群机器人配置说明
(https://developer.work.weixin.qq.com/document/path/91770): markdown content at most
4,096 bytes of UTF-8, 20 messages a minute per robot; the global error codes: 45009 api
freq out of limit, 93000 invalid webhook url (wrong key, robot removed from its group),
40058 invalid parameter (a content too long among them), -1 system busy.
"""

from .robot import RobotChannel


class WeComChannel(RobotChannel):
    name = "wecom"
    # 45009: over 20 a minute; WeCom's window is the minute, so wait one.
    rate_limited = {45009: 60}
    # 93000: the key is wrong or the robot was removed from its group.
    disabling = {93000}

    def body(self, dispatch):
        return {"msgtype": "markdown", "markdown": {"content": dispatch.body_text}}
