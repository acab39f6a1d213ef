"""Pages for the daily review sheet and coaching. Thin: parse → check → one service → render."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.reviews.forms import (
    CoachingNoteForm,
    CommentForm,
    DayFilterForm,
    FollowUpForm,
    ItemNoteForm,
    SheetFileForm,
    coaching_initial,
)
from kam.reviews.models import ReviewItem, ReviewSheet
from kam.reviews.rules import (
    coaching_can_write,
    review_can_comment,
    review_can_note,
)
from kam.reviews.selectors import (
    coaching_note_get_visible,
    coaching_note_list,
    rep_local_today,
    review_item_get_visible,
    review_presentation,
    review_rep_get_visible,
    review_reps_visible_to,
    review_sheet_comments,
    review_sheet_find,
    review_sheet_get_visible,
    review_sheet_items,
    review_team_overview,
    review_teams_visible_to,
)
from kam.reviews.services.coaching import (
    coaching_follow_up_complete,
    coaching_note_create,
    coaching_note_update,
)
from kam.reviews.services.generation import review_sheet_generate
from kam.reviews.services.sheets import review_comment_add, review_item_note, review_sheet_file
from kam.users.enums import Role
from kam.users.models import User


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise Http404 from error


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role == Role.ACCOUNT_MANAGER:
        return redirect("reviews:mine")
    return redirect("reviews:team")


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = rep_local_today(request.user)
    return redirect("reviews:sheet", request.user.pk, today.isoformat())


def _render_sheet(
    request: AuthenticatedHttpRequest,
    rep: User,
    day: date,
    sheet: ReviewSheet | None,
    status: int = 200,
    file_form: SheetFileForm | None = None,
) -> HttpResponse:
    can_note = sheet is not None and sheet.filed_at is None and review_can_note(request.user, rep)
    items = review_sheet_items(sheet) if sheet is not None else []
    context = {
        "rep": rep,
        "day": day,
        "sheet": sheet,
        "cards": [(item, _note_form(item)) for item in items],
        "sheet_comments": review_sheet_comments(sheet) if sheet is not None else [],
        "can_note": can_note,
        "can_comment": sheet is not None and review_can_comment(request.user, rep),
        "file_form": file_form
        or SheetFileForm(
            initial={
                "version": sheet.version if sheet else 0,
                "rep_summary": sheet.rep_summary if sheet else "",
            }
        ),
        "comment_form": CommentForm(),
        "is_today": day == rep_local_today(rep),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
    }
    return render(request, "reviews/sheet.html", context, status=status)


@require_GET
def sheet_view(request: AuthenticatedHttpRequest, rep_id: int, day: str) -> HttpResponse:
    rep = review_rep_get_visible(request.user, rep_id)
    when = _parse_day(day)
    sheet = review_sheet_find(rep, when)
    # Opening today's sheet before the morning job ran (or on a holiday) builds it on the spot.
    if sheet is None and when == rep_local_today(rep) and rep.role == Role.ACCOUNT_MANAGER:
        sheet = review_sheet_generate(rep=rep, day=when)
    return _render_sheet(request, rep, when, sheet)


def _note_form(item: ReviewItem) -> ItemNoteForm:
    return ItemNoteForm(
        initial={"rep_note": item.rep_note, "next_step": item.next_step, "version": item.version},
        prefix=f"item{item.pk}",
    )


@require_POST
def item_note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = review_item_get_visible(request.user, pk)
    form = ItemNoteForm(request.POST, prefix=f"item{item.pk}")
    status = 200
    if form.is_valid():
        try:
            item = review_item_note(
                item=item,
                actor=request.user,
                rep_note=form.cleaned_data["rep_note"],
                next_step=form.cleaned_data["next_step"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            status = 422
        else:
            if not _is_htmx(request):
                return redirect(item.sheet.get_absolute_url() + f"#item-{item.pk}")
            form = _note_form(item)
    else:
        status = 422
    context = {"item": item, "note_form": form, "saved": status == 200, "can_note": True}
    return render(request, "reviews/sheet.html#item_note", context, status=status)


@require_POST
def file_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = review_sheet_get_visible(request.user, pk)
    form = SheetFileForm(request.POST)
    if form.is_valid():
        try:
            review_sheet_file(
                sheet=sheet,
                actor=request.user,
                summary=form.cleaned_data["rep_summary"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("理单表已提交。"))
            return redirect(sheet.get_absolute_url())
    return _render_sheet(request, sheet.rep, sheet.day, sheet, 422, file_form=form)


@require_POST
def comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = review_sheet_get_visible(request.user, pk)
    form = CommentForm(request.POST)
    item: ReviewItem | None = None
    if form.is_valid() and form.cleaned_data["item"]:
        item = get_object_or_404(ReviewItem, pk=form.cleaned_data["item"], sheet=sheet)
    if form.is_valid():
        try:
            review_comment_add(
                sheet=sheet, item=item, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if not _is_htmx(request):
                messages.success(request, _("点评已发布。"))
                return redirect(sheet.get_absolute_url())
            form = CommentForm()
    comments = (
        list(item.comments.select_related("author")) if item else review_sheet_comments(sheet)
    )
    context = {
        "sheet": sheet,
        "item": item,
        "comments": comments,
        "comment_form": form,
        "can_comment": True,
    }
    status = 200 if not form.errors else 422
    return render(request, "reviews/sheet.html#comments", context, status=status)


def _day_context(request: AuthenticatedHttpRequest) -> tuple[DayFilterForm, date, int | None, bool]:
    today = timezone.localdate()
    form = DayFilterForm(
        request.GET or None, teams=review_teams_visible_to(request.user), initial={"day": today}
    )
    day, team, missing = form.values(today)
    return form, day, team.pk if team else None, missing


@require_GET
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, day, team_id, missing = _day_context(request)
    rows = review_team_overview(request.user, day=day, team_id=team_id)
    missing_rows = [row for row in rows if not row.filed]
    context = {
        "filter_form": form,
        "day": day,
        "team_id": team_id or "",
        "rows": missing_rows if missing else rows,
        "missing_rows": missing_rows,
        "filed_count": len(rows) - len(missing_rows),
        "total": len(rows),
        "only_missing": missing,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
    }
    return render(request, "reviews/team.html", context)


@require_GET
def present(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, day, team_id, _missing = _day_context(request)
    slides = review_presentation(request.user, day=day, team_id=team_id)
    return render(
        request, "reviews/present.html", {"day": day, "slides": slides, "team_id": team_id or ""}
    )


# ---- coaching -------------------------------------------------------------------------------


@require_GET
def coaching_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rep_id = request.GET.get("rep")
    rep = review_rep_get_visible(request.user, int(rep_id)) if rep_id and rep_id.isdigit() else None
    open_only = request.GET.get("open") == "1"
    rows = coaching_note_list(request.user, rep_id=rep.pk if rep else None, open_only=open_only)
    context = {
        "page_obj": paginate(rows, page_number(request.GET.get("page"))),
        "rep": rep,
        "reps": review_reps_visible_to(request.user),
        "open_only": open_only,
        "filtered": rep is not None or open_only,
        "can_write": rep is not None and coaching_can_write(request.user, rep),
        "today": timezone.localdate(),
    }
    return render(request, "reviews/coaching_list.html", context)


@require_http_methods(["GET", "POST"])
def coaching_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    rep_id = request.GET.get("rep", "")
    if not rep_id.isdigit():
        raise Http404
    rep = review_rep_get_visible(request.user, int(rep_id))
    if not coaching_can_write(request.user, rep):
        raise PermissionDenied(_("只有客户经理的上级可以记录辅导。"))
    form = CoachingNoteForm(
        request.POST or None, rep=rep, initial={"happened_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            note = coaching_note_create(rep=rep, actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("辅导记录已保存。"))
            return redirect(note.get_absolute_url())
    return render(request, "reviews/coaching_form.html", {"form": form, "rep": rep, "note": None})


@require_http_methods(["GET", "POST"])
def coaching_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = coaching_note_get_visible(request.user, pk)
    if not coaching_can_write(request.user, note.rep):
        raise PermissionDenied(_("只有客户经理的上级可以修改辅导记录。"))
    if request.method == "POST":
        form = CoachingNoteForm(request.POST, rep=note.rep)
        if form.is_valid():
            try:
                coaching_note_update(
                    note=note,
                    actor=request.user,
                    version=form.cleaned_data["version"] or 0,
                    changes=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("辅导记录已保存。"))
                return redirect(note.get_absolute_url())
    else:
        form = CoachingNoteForm(initial=coaching_initial(note), rep=note.rep)
    return render(
        request, "reviews/coaching_form.html", {"form": form, "rep": note.rep, "note": note}
    )


@require_http_methods(["GET", "POST"])
def coaching_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = coaching_note_get_visible(request.user, pk)
    can_write = coaching_can_write(request.user, note.rep)
    form = FollowUpForm(request.POST or None, initial={"version": note.version})
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_("只有客户经理的上级可以确认辅导跟进。"))
        if form.is_valid():
            try:
                coaching_follow_up_complete(
                    note=note,
                    actor=request.user,
                    result=form.cleaned_data["follow_up_result"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("跟进已确认完成。"))
                return redirect(note.get_absolute_url())
        status = 422
    context = {"note": note, "can_write": can_write, "form": form, "today": timezone.localdate()}
    return render(request, "reviews/coaching_detail.html", context, status=status)
