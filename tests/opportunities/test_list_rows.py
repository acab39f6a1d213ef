"""The deal list's rows are built in Python; they must be what the template wrote."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from kam.opportunities.list_rows import opportunity_rows_html
from kam.opportunities.models import Opportunity
from kam.opportunities.panels import Badge
from kam.opportunities.services.opportunities import opportunity_create
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

# The list template's rows before they were built in Python.
TEMPLATE_ROWS = Template(
    "{% load kam_tags %}{% for o, badges in rows %}"
    '<tr data-opportunity="{{ o.pk }}">'
    '<td><a href="{{ o.get_absolute_url }}">{{ o.number }}</a></td>'
    '<td><a href="{{ o.get_absolute_url }}">{{ o.name }}</a>{% for b in badges %} '
    '<span class="badge {{ b.tone }}" title="{{ b.title }}">{{ b.label }}</span>{% endfor %}</td>'
    "<td>{{ o.account.name }}</td>"
    "<td>{{ o.owner }}</td>"
    '<td><span class="badge stage-kind-{{ o.stage.kind }}">{{ o.stage.display_name }}</span></td>'
    '<td class="num">{{ o.amount|yuan }}</td>'
    '<td class="num">{{ o.weighted_amount|yuan }}</td>'
    '<td>{{ o.expected_sign_date|date:"Y-m-d"|default:"—" }}</td>'
    '<td class="num">{{ o.probability }}%</td>'
    "<td>{{ o.get_forecast_category_display }}</td>"
    '<td>{{ o.intent_class|default:"—" }}</td>'
    '<td>{{ o.project_class|default:"—" }}</td>'
    '<td>{{ o.updated_at|date:"Y-m-d H:i" }}</td>'
    "</tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_what_the_template_wrote(rep, gated_process, language):
    process, _stages = gated_process
    account = AccountFactory(owner=rep, name="<b>\"甲&乙\"</b> 'x'")
    plain = opportunity_create(
        account=account, actor=rep, process=process, data={"name": "数据中心项目"}
    )
    awkward = opportunity_create(
        account=account, actor=rep, process=process,
        data={"name": "<i>二期</i> & 'x'", "expected_sign_date": date(2026, 12, 20)},
    )  # fmt: skip
    Opportunity.objects.filter(pk=awkward.pk).update(
        amount="1234567.89", probability=35, intent_class="A", project_class="B"
    )
    deals = list(
        Opportunity.objects.select_related("account", "owner", "stage", "process").order_by("pk")
    )
    badges = {
        plain.pk: [],
        awkward.pk: [Badge("风险", "bad", 'title "quoted" <x>'), Badge("A类", "ok")],
    }
    rows = [(deal, badges[deal.pk]) for deal in deals]

    with translation.override(language):
        built = opportunity_rows_html(rows)
        written = TEMPLATE_ROWS.render(Context({"rows": rows}))

    assert built.replace("\n", "") == written
    assert "&lt;i&gt;二期&lt;/i&gt; &amp; &#x27;x&#x27;" in built
    assert "¥1,234,567.89" in built
