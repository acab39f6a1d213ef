"""Group-bot formats and signatures, checked against a real HTTP server on 127.0.0.1."""

import base64
import hashlib
import hmac
import urllib.parse

import pytest

from kam.tasks.enums import DeliveryStatus
from kam.tasks.services.team_webhooks import team_webhook_test
from kam.tasks.webhooks import dingtalk_sign, feishu_sign, webhook_request
from tests.tasks.conftest import TeamWebhookFactory

pytestmark = pytest.mark.django_db
TEST_TEXT = "孙经理 正在测试群机器人「一组群」。收到这条消息说明配置正确。"


def test_wecom_markdown(manager, team_one, receiver):
    hook = TeamWebhookFactory(team=team_one, platform="wecom", url=f"{receiver.url}/send?key=k1")
    delivery = team_webhook_test(webhook=hook, actor=manager)
    assert delivery.status == DeliveryStatus.SENT
    request = receiver.requests[0]
    assert request["path"] == "/send?key=k1"
    assert request["content_type"] == "application/json; charset=utf-8"
    assert request["body"] == {
        "msgtype": "markdown",
        "markdown": {"content": f"**KAM 测试消息**\n{TEST_TEXT}"},
    }


def test_dingtalk_markdown_signed_in_the_query(manager, team_one, receiver):
    hook = TeamWebhookFactory(team=team_one, platform="dingtalk", secret="SECabc",
                              url=f"{receiver.url}/robot/send?access_token=t1")  # fmt: skip
    receiver.answer = {"errcode": 0, "errmsg": "ok"}
    assert team_webhook_test(webhook=hook, actor=manager).status == DeliveryStatus.SENT
    request = receiver.requests[0]
    path, query = request["path"].split("?")
    params = urllib.parse.parse_qs(query)
    assert path == "/robot/send" and params["access_token"] == ["t1"]
    timestamp = params["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert params["sign"] == [expected]
    assert len(timestamp) == 13  # milliseconds
    assert request["body"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "KAM 测试消息",
            "text": f"### KAM 测试消息\n{TEST_TEXT}",
        },
    }


def test_feishu_text_signed_in_the_body(manager, team_one, receiver):
    hook = TeamWebhookFactory(team=team_one, platform="feishu", secret="fs-secret",
                              url=f"{receiver.url}/open-apis/bot/v2/hook/x")  # fmt: skip
    receiver.answer = {"code": 0, "msg": "success"}
    assert team_webhook_test(webhook=hook, actor=manager).status == DeliveryStatus.SENT
    body = receiver.requests[0]["body"]
    timestamp = body["timestamp"]
    key = f"{timestamp}\nfs-secret".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert len(timestamp) == 10  # seconds
    assert body["msg_type"] == "text"
    assert body["content"] == {"text": f"KAM 测试消息\n{TEST_TEXT}"}


def test_known_signatures():
    # Fixed vectors so a refactor cannot silently change the algorithms.
    assert (
        dingtalk_sign("SEC1", "1700000000000")
        == base64.b64encode(
            hmac.new(b"SEC1", b"1700000000000\nSEC1", hashlib.sha256).digest()
        ).decode()
    )
    assert (
        feishu_sign("k", "1700000000")
        == base64.b64encode(hmac.new(b"1700000000\nk", b"", hashlib.sha256).digest()).decode()
    )


def test_unsigned_bots_send_no_signature(team_one):
    hook = TeamWebhookFactory(team=team_one, platform="feishu", url="https://x.test/h")
    url, body = webhook_request(hook, title="t", text="x", now_s=1.0)
    assert url == "https://x.test/h" and "sign" not in body
    hook.platform = "dingtalk"
    url, _body = webhook_request(hook, title="t", text="x", now_s=1.0)
    assert url == "https://x.test/h"


def test_platform_error_in_a_200_answer_is_a_failure(manager, team_one, receiver):
    hook = TeamWebhookFactory(team=team_one, platform="dingtalk", url=f"{receiver.url}/r")
    receiver.answer = {"errcode": 310000, "errmsg": "sign not match"}
    delivery = team_webhook_test(webhook=hook, actor=manager)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.status_code == 200 and delivery.error == "310000: sign not match"


def test_refused_connection_is_logged(manager, team_one, closed_port_url):
    hook = TeamWebhookFactory(team=team_one, url=closed_port_url)
    delivery = team_webhook_test(webhook=hook, actor=manager)
    assert delivery.status == DeliveryStatus.FAILED and delivery.status_code is None
    assert delivery.error and delivery.sent_at is not None
