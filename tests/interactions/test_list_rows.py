"""The visit list's rows are built in Python; they must be what the template wrote."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from kam.interactions.list_rows import interaction_rows_html
from kam.interactions.models import Interaction
from tests.factories import AccountFactory, ContactFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db

# The list template's rows before they were built in Python.
TEMPLATE_ROWS = Template(
    "{% load i18n %}{% for i in page_obj %}"
    '<tr data-interaction="{{ i.pk }}">'
    '<td class="muted">{{ i.occurred_at|date:"Y-m-d H:i" }}</td>'
    '<td><a href="{{ i.account.get_absolute_url }}">{{ i.account.name }}</a></td>'
    '<td><span class="badge">{{ i.get_kind_display }}</span>{% if i.accompanied %} '
    '<span class="badge warn">{% translate "陪访" %}</span>{% endif %}</td>'
    '<td><a href="{{ i.get_absolute_url }}">{{ i.subject }}</a></td>'
    '<td class="hide-mobile">{% for c in i.their_participants.all %}{{ c.name }}'
    "{% if not forloop.last %}、{% endif %}{% endfor %}"
    "{% if i.their_participants.all and i.our_participants.all %} / {% endif %}"
    "<small>{% for u in i.our_participants.all %}{{ u }}{% if not forloop.last %}、{% endif %}"
    "{% endfor %}</small></td>"
    '<td class="hide-mobile">{{ i.created_by|default:"" }}</td>'
    '<td class="hide-mobile">{{ i.next_step }}{% if i.next_step_date %}<br><small>'
    '{{ i.next_step_date|date:"Y-m-d" }}</small>{% endif %}</td>'
    "</tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_what_the_template_wrote(rep, language):
    account = AccountFactory(owner=rep, name="<b>\"甲&乙\"</b> 'x'")
    colleague = UserFactory(display_name="王<工>")
    bare = InteractionFactory(account=account, subject="电话沟通", kind="call", created_by=None)
    full = InteractionFactory(
        account=account, subject="<i>拜访</i> & 'x'", accompanied=True,
        next_step="报价 <b>", next_step_date=date(2026, 12, 1),
    )  # fmt: skip
    full.their_participants.set(
        [
            ContactFactory(account=account, name="张<伟>"),
            ContactFactory(account=account, name="李娜"),
        ]
    )
    full.our_participants.set([rep, colleague])
    only_ours = InteractionFactory(account=account, subject="内部准备")
    only_ours.our_participants.set([rep])
    visits = list(
        Interaction.objects.filter(pk__in=[bare.pk, full.pk, only_ours.pk])
        .select_related("account", "created_by", "accompanied_by")
        .prefetch_related("our_participants", "their_participants")
        .order_by("pk")
    )

    with translation.override(language):
        built = interaction_rows_html(visits)
        written = TEMPLATE_ROWS.render(Context({"page_obj": visits}))

    assert built.replace("\n", "") == written
    assert "张&lt;伟&gt;、李娜 / <small>" in built
