"""Reads for review sheets and coaching; every one starts from the rules in `rules.py`."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kam.accounts.rules import owner_scope_ids
from kam.reviews.models import CoachingNote, ReviewComment, ReviewItem, ReviewSheet
from kam.reviews.rules import review_can_see_rep, review_rep_scope_q
from kam.users.enums import Role
from kam.users.models import Team, User
from kam.workcalendar.services import DEFAULT_TZ


def rep_local_today(rep: User) -> date:
    return datetime.now(ZoneInfo(rep.time_zone or DEFAULT_TZ)).date()


def review_reps_visible_to(user: User, *, team_id: int | None = None) -> QuerySet[User]:
    """The active reps (客户经理) whose sheets `user` may read."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    reps = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
    if not user.sees_everything:
        reps = reps.filter(pk__in=owner_scope_ids(user))
    if team_id is not None:
        reps = reps.filter(team_id=team_id)
    return reps.select_related("team").order_by("team__name", "display_name", "username")


def review_rep_get_visible(user: User, rep_id: int) -> User:
    """The rep, or 404 when outside the viewer's reporting line."""
    rep = get_object_or_404(User.objects.select_related("team"), pk=rep_id)
    if not review_can_see_rep(user, rep):
        raise Http404
    return rep


def review_teams_visible_to(user: User) -> list[Team]:
    """The teams the viewer's reps are in, for the team filter."""
    ids = review_reps_visible_to(user).exclude(team__isnull=True).values("team_id")
    return list(Team.objects.filter(pk__in=ids).order_by("name"))


def review_sheets_visible_to(user: User) -> QuerySet[ReviewSheet]:
    return ReviewSheet.objects.filter(review_rep_scope_q(user))


def review_sheet_list(
    user: User, *, day: date | None = None, rep_id: int | None = None
) -> QuerySet[ReviewSheet]:
    rows = review_sheets_visible_to(user)
    if day is not None:
        rows = rows.filter(day=day)
    if rep_id is not None:
        rows = rows.filter(rep_id=rep_id)
    return (
        rows.select_related("rep", "team")
        .annotate(
            item_count=Count("items", distinct=True),
            comment_count=Count("comments", distinct=True),
        )
        .order_by("-day", "rep_id")
    )


def review_sheet_find(rep: User, day: date) -> ReviewSheet | None:
    return ReviewSheet.objects.filter(rep=rep, day=day).first()


def review_sheet_get_visible(user: User, pk: int) -> ReviewSheet:
    return get_object_or_404(review_sheets_visible_to(user).select_related("rep"), pk=pk)


def review_item_get_visible(user: User, pk: int) -> ReviewItem:
    return get_object_or_404(
        ReviewItem.objects.filter(review_rep_scope_q(user, "sheet__")).select_related(
            "sheet", "sheet__rep"
        ),
        pk=pk,
    )


def review_sheet_items(sheet: ReviewSheet) -> list[ReviewItem]:
    """The items with their comments (authors loaded), in sheet order."""
    comments = ReviewComment.objects.select_related("author").order_by("created_at", "pk")
    return list(
        sheet.items.prefetch_related(Prefetch("comments", queryset=comments)).order_by(
            "position", "pk"
        )
    )


def review_sheet_comments(sheet: ReviewSheet) -> list[ReviewComment]:
    """Comments on the sheet as a whole (not on one item)."""
    return list(
        sheet.comments.filter(item__isnull=True).select_related("author").order_by("created_at")
    )


@dataclass
class OverviewRow:
    rep: User
    sheet: ReviewSheet | None
    item_count: int
    comment_count: int

    @property
    def filed(self) -> bool:
        return self.sheet is not None and self.sheet.filed_at is not None


def review_team_overview(user: User, *, day: date, team_id: int | None = None) -> list[OverviewRow]:
    """Each visible rep with their sheet of `day` (or none) — two queries however many reps."""
    reps = list(review_reps_visible_to(user, team_id=team_id))
    sheets = {
        sheet.rep_id: sheet
        for sheet in ReviewSheet.objects.filter(day=day, rep_id__in=[r.pk for r in reps]).annotate(
            item_count=Count("items", distinct=True),
            comment_count=Count("comments", distinct=True),
        )
    }
    rows = []
    for rep in reps:
        sheet = sheets.get(rep.pk)
        rows.append(
            OverviewRow(
                rep=rep,
                sheet=sheet,
                item_count=getattr(sheet, "item_count", 0),
                comment_count=getattr(sheet, "comment_count", 0),
            )
        )
    return rows


def review_presentation(
    user: User, *, day: date, team_id: int | None = None
) -> list[tuple[User, ReviewSheet | None, list[ReviewItem]]]:
    """Every visible rep's sheet of `day` with its items, for the meeting screen."""
    reps = list(review_reps_visible_to(user, team_id=team_id))
    items = ReviewItem.objects.prefetch_related(
        Prefetch("comments", queryset=ReviewComment.objects.select_related("author"))
    ).order_by("position", "pk")
    sheets = {
        sheet.rep_id: sheet
        for sheet in ReviewSheet.objects.filter(
            day=day, rep_id__in=[r.pk for r in reps]
        ).prefetch_related(Prefetch("items", queryset=items))
    }
    return [
        (rep, sheets.get(rep.pk), list(sheets[rep.pk].items.all()) if rep.pk in sheets else [])
        for rep in reps
    ]


def coaching_notes_visible_to(user: User) -> QuerySet[CoachingNote]:
    return CoachingNote.objects.filter(review_rep_scope_q(user))


def coaching_note_list(
    user: User, *, rep_id: int | None = None, open_only: bool = False
) -> QuerySet[CoachingNote]:
    rows = coaching_notes_visible_to(user)
    if rep_id is not None:
        rows = rows.filter(rep_id=rep_id)
    if open_only:
        rows = rows.filter(follow_up_due__isnull=False, follow_up_done_at__isnull=True)
    return rows.select_related("rep", "coach", "account").order_by("-happened_on", "-pk")


def coaching_note_get_visible(user: User, pk: int) -> CoachingNote:
    return get_object_or_404(
        coaching_notes_visible_to(user).select_related("rep", "coach", "account"), pk=pk
    )


def coaching_overdue_q(today: date) -> Q:
    return Q(follow_up_due__lt=today, follow_up_done_at__isnull=True)
