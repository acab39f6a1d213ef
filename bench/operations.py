"""What is measured: named operations, each a role, a URL and a p95 budget, built from the
generated data (the users of `demo_load --scale`, an account of the rep, the rep's team).

Reads are a GET of a fixed URL. A write is a POST whose path and form are built per repetition
(each claim needs another pool account, each stage move the deal's current version) and undone
afterwards, untimed: bench/writes.py. The battle map's export is a GET that also has its peak
memory measured, on the whole map and on a part of it.
"""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

from django.contrib.auth.hashers import check_password
from django.db.models import Count

from bench import writes
from bench.results import Skipped
from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q
from kam.contacts.models import Contact
from kam.contracts.models import Contract, PaymentMilestone
from kam.core.pagination import PAGE_SIZE
from kam.demo.people import DEMO_PASSWORD
from kam.interactions.models import Interaction
from kam.opportunities.models import Opportunity
from kam.users.enums import Role
from kam.users.models import User

PAGE_BUDGET_MS = 50
SEARCH_BUDGET_MS = 100
DASHBOARD_BUDGET_MS = 200
# A download the user waits for once, not a page: 2 s, and memory must not grow with the rows.
EXPORT_BUDGET_MS = 2000
# A list page takes at most this many times the time of its own SQL run raw.
RAW_RATIO_BUDGET = 10
DEEP_PAGE = 2000
SEARCH_WORD_ZH = "数据中心"  # in the generated interaction texts (kam/demo/catalog.py)
SEARCH_WORD_EN = "Huawei"


class Persona(StrEnum):
    REP = "rep"
    DIRECTOR = "director"


class Auth(StrEnum):
    SESSION = "session"  # logged in over the login form, with cookies
    # the API: `Authorization: Bearer <key>`
    TOKEN = "token"  # noqa: S105 - the name of a kind of authentication, not a secret


@dataclass(frozen=True)
class Operation:
    name: str
    persona: Persona
    path: str  # a write's URL pattern, for reading; each repetition posts to its own
    budget_ms: int
    auth: Auth = Auth.SESSION
    write: writes.Write | None = None
    # An export: its peak memory is measured on `path` and on this part of the data; memory
    # that stays bounded barely differs between the two.
    subset_path: str | None = None
    # A part of a page that htmx loads after it, asked for as htmx asks (the fragment alone).
    htmx: bool = False
    list_page: bool = False  # held to RAW_RATIO_BUDGET

    @property
    def raw_ratio_budget(self) -> int | None:
        return RAW_RATIO_BUDGET if self.list_page else None

    @property
    def method(self) -> str:
        return "GET" if self.write is None else "POST"

    @property
    def headers(self) -> dict[str, str]:
        return {"HX-Request": "true"} if self.htmx else {}


@dataclass(frozen=True)
class Personas:
    rep: User
    director: User

    def user(self, persona: Persona) -> User:
        return self.rep if persona is Persona.REP else self.director


class NoGeneratedData(Exception):
    pass


def scale_counts() -> dict[str, int]:
    return {
        "accounts": Account.objects.count(),
        "contacts": Contact.objects.count(),
        "interactions": Interaction.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "contracts": Contract.objects.count(),
        "milestones": PaymentMilestone.objects.count(),
    }


def _first_user(prefix: str, role: Role) -> User:
    user = (
        User.objects.filter(username__startswith=prefix, role=role, is_active=True)
        .order_by("username")
        .first()
    )
    if user is None:
        raise NoGeneratedData(f"no active {role} named {prefix}…: run `demo_load --scale` first")
    if not check_password(DEMO_PASSWORD, user.password):
        raise NoGeneratedData(f"{user.username} does not have the demo password")
    return user


def personas() -> Personas:
    """The first generated rep (s_rep0001) and director (s_dir01), see kam/demo/scale.py."""
    return Personas(
        rep=_first_user("s_rep", Role.ACCOUNT_MANAGER),
        director=_first_user("s_dir", Role.SALES_DIRECTOR),
    )


def _busiest_account(rep: User) -> Account | None:
    """The rep's account with the most visits, so its timeline has a full page of 50."""
    return (
        Account.objects.filter(owner=rep)
        .annotate(visits=Count("interactions"))
        .order_by("-visits", "pk")
        .only("pk")
        .first()
    )


def _account_page(account: Account) -> list[Operation]:
    """The account page as a user sees it: the page, then what htmx loads into it — its people
    with the decision chain, the newest 50 timeline items and the change history."""
    rep, pk = Persona.REP, account.pk
    return [
        Operation("account_detail_rep", rep, f"/accounts/{pk}/", PAGE_BUDGET_MS),
        Operation(
            "account_people_rep", rep, f"/contacts/for_account/{pk}/", PAGE_BUDGET_MS, htmx=True
        ),
        Operation(
            "account_timeline_rep",
            rep,
            f"/interactions/for_account/{pk}/",
            PAGE_BUDGET_MS,
            htmx=True,
        ),
        Operation(
            "account_history_rep", rep, f"/accounts/{pk}/history/", PAGE_BUDGET_MS, htmx=True
        ),
    ]


def plan(people: Personas, scale: dict[str, int]) -> tuple[list[Operation], list[Skipped]]:
    """The operations to run on this data set, and the ones left out for want of data."""
    rep, director = Persona.REP, Persona.DIRECTOR
    operations = [
        Operation(name, persona, path, PAGE_BUDGET_MS, list_page=True)
        for name, persona, path in [
            ("account_list_page1_rep", rep, "/accounts/"),
            ("account_list_page1_director", director, "/accounts/"),
            ("account_list_grade_a_rep", rep, "/accounts/?grade=A"),
            ("account_list_grade_a_director", director, "/accounts/?grade=A"),
            ("account_list_sort_name_rep", rep, "/accounts/?sort=name"),
            ("account_list_sort_name_director", director, "/accounts/?sort=name"),
        ]
    ]
    # The pages a team opens all day besides the account list: the home page (its counts
    # over the user's scope), the newest visits, deals and contracts with their totals.
    operations += [
        Operation("home_rep", rep, "/", DASHBOARD_BUDGET_MS),
        Operation("home_director", director, "/", DASHBOARD_BUDGET_MS),
        Operation("interaction_list_rep", rep, "/interactions/", PAGE_BUDGET_MS, list_page=True),
        Operation(
            "interaction_list_director", director, "/interactions/", PAGE_BUDGET_MS, list_page=True
        ),
    ]
    skipped: list[Skipped] = []
    # Page 2000, or the director's last page when the director sees fewer accounts (a page
    # past the end is empty and costs nothing like a real deep page).
    visible = Account.objects.filter(account_visibility_q(people.director)).count()
    page = min(DEEP_PAGE, -(-visible // PAGE_SIZE))
    if page > 1:
        operations.append(
            Operation(
                f"account_list_page{page}_director",
                director,
                f"/accounts/?page={page}",
                PAGE_BUDGET_MS,
                list_page=True,
            )
        )
    else:
        note = f"the director sees {visible} accounts: no deep page"
        skipped.append(Skipped(f"account_list_page{DEEP_PAGE}_director", note))
    account = _busiest_account(people.rep)
    if account is None:
        skipped.append(Skipped("account_detail_rep", f"{people.rep.username} owns no account"))
    else:
        operations += _account_page(account)
    for label, word in (("zh", SEARCH_WORD_ZH), ("en", SEARCH_WORD_EN)):
        path = f"/search/?{urlencode({'q': word})}"
        operations.append(Operation(f"search_{label}_rep", rep, path, SEARCH_BUDGET_MS))
    operations.append(
        Operation(
            "api_accounts_50_rep",
            rep,
            "/api/accounts/?limit=50",
            PAGE_BUDGET_MS,
            Auth.TOKEN,
            list_page=True,
        )
    )
    if scale["opportunities"]:
        team = f"?team={people.rep.team_id}" if people.rep.team_id else ""
        operations += [
            Operation(
                "opportunity_board_team_director",
                director,
                f"/opportunities/board/{team}",
                DASHBOARD_BUDGET_MS,
            ),
            # The board as a rep opens it: every deal they see, no filter.
            Operation("opportunity_board_rep", rep, "/opportunities/board/", DASHBOARD_BUDGET_MS),
            Operation(
                "opportunity_list_rep", rep, "/opportunities/", PAGE_BUDGET_MS, list_page=True
            ),
            Operation(
                "opportunity_list_director",
                director,
                "/opportunities/",
                PAGE_BUDGET_MS,
                list_page=True,
            ),
            Operation(
                "api_opportunities_50_rep",
                rep,
                "/api/opportunities/?limit=50",
                PAGE_BUDGET_MS,
                Auth.TOKEN,
                list_page=True,
            ),
        ]
    else:
        note = "no opportunities in the database"
        skipped += [
            Skipped(name, note)
            for name in (
                "opportunity_board_team_director", "opportunity_board_rep",
                "opportunity_list_rep", "opportunity_list_director", "api_opportunities_50_rep",
            )
        ]  # fmt: skip
    operations.append(
        Operation("battle_map_director", director, "/battle-map/", DASHBOARD_BUDGET_MS)
    )
    if scale["contracts"]:
        operations += [
            Operation("contract_list_rep", rep, "/contracts/", PAGE_BUDGET_MS, list_page=True),
            Operation(
                "contract_list_director", director, "/contracts/", PAGE_BUDGET_MS, list_page=True
            ),
            Operation(
                "checklist_gaps_rep", rep, "/checklists/gaps/", PAGE_BUDGET_MS, list_page=True
            ),
            Operation(
                "checklist_gaps_director",
                director,
                "/checklists/gaps/",
                PAGE_BUDGET_MS,
                list_page=True,
            ),
            Operation(
                "billing_dashboard_director", director, "/billing/dashboard/", DASHBOARD_BUDGET_MS
            ),
            Operation("billing_aging_director", director, "/billing/aging/", DASHBOARD_BUDGET_MS),
        ]
    else:
        note = "no contracts in the database"
        skipped += [
            Skipped(name, note)
            for name in (
                "contract_list_rep", "contract_list_director", "checklist_gaps_rep",
                "checklist_gaps_director", "billing_dashboard_director", "billing_aging_director",
            )
        ]  # fmt: skip
    export = Operation(
        "battle_map_export_director", director, "/battle-map/export/", EXPORT_BUDGET_MS,
        subset_path=f"/battle-map/export/?owner={people.rep.pk}",
    )  # fmt: skip
    if scale["contracts"]:
        operations.append(export)
    else:
        skipped.append(Skipped(export.name, "no contracts in the database"))
    write_ops, write_skips = plan_writes(people, account)
    return operations + write_ops, skipped + write_skips


def plan_writes(
    people: Personas, detail_account: Account | None
) -> tuple[list[Operation], list[Skipped]]:
    rep, budget = Persona.REP, writes.WRITE_BUDGET_MS
    operations: list[Operation] = []
    skipped: list[Skipped] = []
    account_ids = writes.claimable_account_ids()
    if account_ids:
        write = writes.pool_claim_write(people.rep, account_ids)
        path = "/pool/accounts/<pk>/claim/"
        operations.append(Operation("pool_claim_rep", rep, path, budget, write=write))
    else:
        skipped.append(Skipped("pool_claim_rep", "no unowned prospect in the default pool"))
    skip = detail_account.pk if detail_account else None
    accounts = writes.loggable_accounts(people.rep, skip)
    if accounts:
        write = writes.interaction_log_write(people.rep, accounts)
        path = "/interactions/create/?account=<pk>"
        operations.append(Operation("interaction_log_rep", rep, path, budget, write=write))
    else:
        note = f"{people.rep.username} owns no second account"
        skipped.append(Skipped("interaction_log_rep", note))
    deals = writes.movable_deals(people.rep)
    if deals:
        write = writes.stage_move_write(people.rep, deals)
        path = "/opportunities/<pk>/move/"
        operations.append(Operation("opportunity_stage_move_rep", rep, path, budget, write=write))
    else:
        note = f"no open deal of {people.rep.username} whose gate a forward move can pass"
        skipped.append(Skipped("opportunity_stage_move_rep", note))
    return operations, skipped
