"""Group-bot messages for WeCom / DingTalk / Feishu: the platforms' JSON formats, their signing
schemes, and the one HTTP post. Nothing here raises into a caller: a bot that is down must not
break a reminder, it only leaves a failed delivery in the log."""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kam.core.jobs import enqueue_after_commit
from kam.tasks.enums import DeliveryStatus, WebhookPlatform
from kam.tasks.models import TeamWebhook, WebhookDelivery

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
DELIVERY_JOB = "kam.tasks.tasks.webhook_deliver"
MAX_RESPONSE_BYTES = 64 * 1024


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """DingTalk custom robot: HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, base64."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """Feishu custom bot: "timestamp\\nsecret" is the HMAC-SHA256 *key* of an empty message."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_request(
    webhook: TeamWebhook, *, title: str, text: str, now_s: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body to post for this platform (signed when the bot has a secret)."""
    now_s = time.time() if now_s is None else now_s
    url = webhook.url
    if webhook.platform == WebhookPlatform.WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    if webhook.platform == WebhookPlatform.DINGTALK:
        body: dict[str, Any] = {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": f"### {title}\n{text}"},
        }
        if webhook.secret:
            timestamp = str(int(now_s * 1000))
            query = urllib.parse.urlencode(
                {"timestamp": timestamp, "sign": dingtalk_sign(webhook.secret, timestamp)}
            )
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url, body
    body = {"msg_type": "text", "content": {"text": f"{title}\n{text}"}}
    if webhook.secret:
        timestamp = str(int(now_s))
        body = {"timestamp": timestamp, "sign": feishu_sign(webhook.secret, timestamp), **body}
    return url, body


def _platform_error(payload: Any) -> str:
    """The receivers answer HTTP 200 with an error code inside: WeCom and DingTalk `errcode`,
    Feishu `code` (older bots `StatusCode`)."""
    if not isinstance(payload, dict):
        return ""
    for code_key, message_key in (
        ("errcode", "errmsg"),
        ("code", "msg"),
        ("StatusCode", "StatusMessage"),
    ):
        code = payload.get(code_key)
        if code not in (None, 0):
            return f"{code}: {payload.get(message_key, '')}"
    return ""


def _post(url: str, body: dict[str, Any]) -> tuple[int | None, str]:
    """POST the JSON; returns the HTTP status (None when no answer came) and an error text."""
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        return None, "unsupported URL scheme"
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:500]
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = None
    return status, _platform_error(answer)


def webhook_delivery_send(delivery_id: int) -> WebhookDelivery | None:
    """Send one logged delivery, once: the row is claimed pending → sending before the post, so a
    retried or doubled job finds nothing to do."""
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        url, body = webhook_request(delivery.webhook, title=delivery.title, text=delivery.text)
        status_code, error = _post(url, body)
    except Exception as exc:  # a broken bot must never break the caller
        logger.exception("webhook delivery %s failed", delivery_id)
        status_code, error = None, str(exc)[:500] or exc.__class__.__name__
    delivery.status_code = status_code
    delivery.error = error[:500]
    delivery.status = (
        DeliveryStatus.SENT
        if status_code is not None and 200 <= status_code < 300 and not error
        else DeliveryStatus.FAILED
    )
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status_code", "error", "status", "sent_at"])
    return delivery


def webhook_delivery_enqueue(
    *, webhook: TeamWebhook, event: str, title: str, text: str, dedupe_key: str = ""
) -> WebhookDelivery | None:
    """Log the message and send it from a job after commit. With a dedupe_key, a message already
    logged for that key is not logged (nor sent) again; returns None then."""
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                webhook=webhook, event=event, title=title[:200], text=text, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None

    enqueue_after_commit(DELIVERY_JOB, delivery.pk)
    return delivery
