"""The gap list's rows built in Python are the HTML the template wrote, in both languages."""

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from kam.checklists.gap_rows import gap_rows_html
from kam.checklists.models import ChecklistItem
from kam.checklists.selectors import checklist_gaps
from kam.checklists.services import checklist_item_tick
from kam.contracts.models import Contract
from tests.checklists.conftest import make_signed, milestone

pytestmark = pytest.mark.django_db

AWKWARD = "<b>\"甲&乙\"</b> 'x'"

# The rows as the template wrote them before they were built in Python.
TEMPLATE_ROWS = Template(
    "{% load i18n kam_tags %}{% for row in rows %}"
    '<tr{% if row.money.overdue %} class="overdue"{% endif %}>'
    '<td>{{ row.milestone.due_date|date:"Y-m-d" }}{% if row.money.overdue %} '
    '<span class="badge bad">{% blocktranslate with days=row.money.days_overdue %}'
    "逾期 {{ days }} 天{% endblocktranslate %}</span>{% endif %}</td>"
    "<td><a href=\"{% url 'checklists:contract' row.contract.pk %}\">{{ row.contract }}</a></td>"
    '<td class="hide-mobile">{{ row.contract.account.name }}</td>'
    "<td>{{ row.milestone }}</td>"
    '<td class="num">{{ row.money.outstanding|money }}</td>'
    '<td class="hide-mobile">{{ row.contract.owner }}</td>'
    '<td><ul class="gap-items">{% for item_row in row.missing %}<li><span class="badge">'
    "{{ item_row.item.get_category_display }}</span> {{ item_row.item.label }}"
    "{% if item_row.missing_evidence and item_row.item.done_at %} "
    '<span class="badge warn">{% translate "缺证据" %}</span>{% endif %}'
    '{% if item_row.late %} <span class="badge bad">{% translate "已过提前期" %}</span>{% endif %}'
    "</li>{% endfor %}</ul></td></tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_what_the_template_wrote(rep, language):
    today = timezone.localdate()
    contract = make_signed(rep, [-3, 5, 9], name=AWKWARD)
    Contract.objects.filter(pk=contract.pk).update(number="")
    ChecklistItem.objects.filter(milestone__contract=contract).update(label=AWKWARD)
    # Ticked without the evidence it needs: still missing, flagged "no evidence".
    ticked = ChecklistItem.objects.filter(milestone=milestone(contract, 2), needs_evidence=True)
    checklist_item_tick(item=ticked.first(), actor=rep)
    rows = checklist_gaps(rep, today, 14)
    assert [row.money.overdue for row in rows] == [True, False, False]

    with translation.override(language):
        built = gap_rows_html(rows)
        written = TEMPLATE_ROWS.render(Context({"rows": rows}))

    assert built.replace("\n", "") == written
    assert "&lt;b&gt;&quot;甲&amp;乙&quot;&lt;/b&gt; &#x27;x&#x27;" in built
    assert ("badge warn" in built) and ('class="overdue"' in built)


def test_no_rows_no_html():
    assert gap_rows_html([]) == ""
