"""The strict Content-Security-Policy only holds if no page carries inline script or style."""

import re

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import AccountFactory, ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)


def test_main_pages_have_no_inline_script_or_style(rep):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(account=account)
    interaction = InteractionFactory(account=account, created_by=rep)
    client = client_for(rep)
    urls = [
        reverse("core:home"),
        reverse("accounts:list"),
        reverse("accounts:create"),
        reverse("accounts:detail", args=[account.pk]),
        reverse("contacts:list"),
        reverse("contacts:detail", args=[contact.pk]),
        reverse("contacts:for_account", args=[account.pk]),
        reverse("interactions:list"),
        reverse("interactions:create") + f"?account={account.pk}",
        reverse("interactions:detail", args=[interaction.pk]),
        reverse("interactions:for_account", args=[account.pk]),
        reverse("search:results") + "?q=拜访",
        reverse("users:profile"),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_STYLE.search(html), url
