from kam.interactions.selectors import account_timeline
from kam.leads.services.leads import lead_create, lead_update
from kam.opportunities.services.opportunities import opportunity_create, opportunity_update


def test_account_timeline_shows_class_changes_of_deals_and_leads(rep, rep_account):
    deal = opportunity_create(account=rep_account, actor=rep,
                              data={"name": "鲲鹏二期", "intent_class": "C"})  # fmt: skip
    opportunity_update(opportunity=deal, actor=rep, version=deal.version,
                       changes={"intent_class": "A"})  # fmt: skip
    lead = lead_create(actor=rep, data={"company_name": "子公司", "source": "referral",
                                        "account": rep_account, "intent_class": "B"})  # fmt: skip
    lead_update(lead=lead, actor=rep, version=lead.version, changes={"intent_class": ""})
    items = [item for item in account_timeline(account=rep_account) if item.kind == "intent"]
    assert [item.title for item in items] == [
        "“子公司”意向等级：B → 未分级",
        "“子公司”意向等级：未分级 → B",
        "“鲲鹏二期”意向等级：C → A",
        "“鲲鹏二期”意向等级：未分级 → C",
    ]
    assert {item.label for item in items} == {"意向等级"}
    assert items[2].url == deal.get_absolute_url() and items[0].actor == str(rep)


def test_other_accounts_changes_stay_off_the_timeline(rep, other_rep, rep_account):
    from tests.factories import AccountFactory

    theirs = AccountFactory(owner=other_rep)
    opportunity_create(account=theirs, actor=other_rep, data={"name": "x", "intent_class": "A"})
    assert not [i for i in account_timeline(account=rep_account) if i.kind == "intent"]
