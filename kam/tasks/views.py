"""Pages for tasks: my day, the task list and editor, and the team group-bot settings.
Thin: parse → check → one service or selector → render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.tasks.enums import DeliveryStatus, TaskStatus
from kam.tasks.forms import (
    QuickTaskForm,
    TaskFilterForm,
    TaskForm,
    WebhookForm,
    task_initial,
    webhook_initial,
)
from kam.tasks.models import Task
from kam.tasks.rules import task_can_edit, webhook_can_manage, webhook_team_ids
from kam.tasks.selectors import (
    mask_url,
    my_day_context,
    my_day_tasks,
    task_get_visible,
    tasks_list,
    webhook_deliveries,
    webhook_get_visible,
    webhooks_visible_to,
)
from kam.tasks.services.derived import tasks_sync_for
from kam.tasks.services.manual import (
    task_complete,
    task_create,
    task_delete,
    task_reopen,
    task_update,
)
from kam.tasks.services.team_webhooks import (
    team_webhook_create,
    team_webhook_test,
    team_webhook_update,
)


def _editable(request: AuthenticatedHttpRequest, pk: int) -> Task:
    task = task_get_visible(request.user, pk)
    if not task_can_edit(request.user, task):
        raise PermissionDenied(_("只能处理自己或下属的任务。"))
    return task


def _my_day_groups(
    request: AuthenticatedHttpRequest, quick_form: QuickTaskForm | None = None, *, oob: bool = False
) -> dict[str, Any]:
    """The task groups; `oob` adds the stat counts above them to an htmx answer."""
    today = timezone.localdate()
    return {
        "day": my_day_tasks(request.user, today=today),
        "quick_form": quick_form or QuickTaskForm(),
        "oob": oob,
    }


@require_GET
def my_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _my_day_groups(request)
    context.update(my_day_context(request.user, today=context["day"].today))
    return render(request, "tasks/my_day.html", context)


@require_POST
def quick_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuickTaskForm(request.POST)
    if form.is_valid():
        try:
            task_create(actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            form = QuickTaskForm()
    if request.htmx:
        return render(request, "tasks/my_day.html#groups", _my_day_groups(request, form, oob=True))
    if form.errors:
        messages.error(request, _("任务未添加：%(errors)s") % {"errors": form.errors.as_text()})
    return redirect("tasks:my_day")


@require_POST
def sync(request: AuthenticatedHttpRequest) -> HttpResponse:
    counts = tasks_sync_for(request.user)
    messages.success(
        request,
        _("已同步：新增 %(created)s 项，完成 %(closed)s 项。") % counts,
    )
    return redirect("tasks:my_day")


def _after_toggle(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.htmx and request.POST.get("from") == "my_day":
        return render(request, "tasks/my_day.html#groups", _my_day_groups(request, oob=True))
    if request.POST.get("from") == "list":
        return redirect("tasks:list")
    return redirect("tasks:my_day")


@require_POST
def complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task_complete(task=_editable(request, pk), actor=request.user)
    return _after_toggle(request)


@require_POST
def reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task_reopen(task=_editable(request, pk), actor=request.user)
    return _after_toggle(request)


@require_GET
def task_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Without filters in the address (first visit, 清除, paging) the list shows open tasks.
    params = request.GET if set(request.GET) - {"reset", "page"} else None
    filter_form = TaskFilterForm(params, user=request.user)
    filters = filter_form.filters() if params is not None else {"status": TaskStatus.OPEN}
    page = paginate(
        tasks_list(request.user, filters, now=timezone.now()),
        page_number(request.GET.get("page")),
    )
    context = {
        "filter_form": filter_form,
        "page_obj": page,
        "filtered": params is not None,
        "now": timezone.now(),
    }
    return render(request, "tasks/list.html", context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TaskForm(request.POST or None, user=request.user, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            task_create(actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("任务已创建。"))
            return redirect("tasks:list")
    return render(request, "tasks/form.html", {"form": form, "task": None})


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = _editable(request, pk)
    if request.method == "POST":
        form = TaskForm(request.POST, user=request.user, task=task, initial=task_initial(task))
        if form.is_valid():
            try:
                task_update(
                    task=task,
                    actor=request.user,
                    version=form.cleaned_data["version"] or 0,
                    changes=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("任务已保存。"))
                return redirect("tasks:list")
    else:
        form = TaskForm(initial=task_initial(task), user=request.user, task=task)
    return render(request, "tasks/form.html", {"form": form, "task": task})


@require_POST
def delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = _editable(request, pk)
    try:
        task_delete(task=task, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tasks:edit", pk)
    messages.success(request, _("任务已删除。"))
    return redirect("tasks:list")


# ---- team group bots ------------------------------------------------------------------------


def _webhook_page(
    request: AuthenticatedHttpRequest, form: WebhookForm | None = None, status: int = 200
) -> HttpResponse:
    manageable = webhook_team_ids(request.user)
    can_configure = manageable is None or bool(manageable)
    rows = []
    managed_ids = []
    for hook in webhooks_visible_to(request.user):
        manage = webhook_can_manage(request.user, hook)
        rows.append(
            {"hook": hook, "manage": manage, "url": hook.url if manage else mask_url(hook.url)}
        )
        if manage:
            managed_ids.append(hook.pk)
    context = {
        "rows": rows,
        "can_configure": can_configure,
        "form": form or (WebhookForm(user=request.user) if can_configure else None),
        "deliveries": webhook_deliveries(managed_ids) if managed_ids else [],
    }
    return render(request, "tasks/webhooks.html", context, status=status)


@require_http_methods(["GET", "POST"])
def webhooks(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _webhook_page(request)
    form = WebhookForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            team_webhook_create(actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("群机器人已添加。"))
            return redirect("tasks:webhooks")
    elif not form.fields["team"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("只有团队的销售经理及以上可以配置群机器人。"))
    return _webhook_page(request, form, status=422)


@require_http_methods(["GET", "POST"])
def webhook_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hook = webhook_get_visible(request.user, pk)
    if not webhook_can_manage(request.user, hook):
        raise PermissionDenied(_("只有团队的销售经理及以上可以配置群机器人。"))
    if request.method == "POST":
        form = WebhookForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                team_webhook_update(
                    webhook=hook,
                    actor=request.user,
                    version=form.cleaned_data["version"] or 0,
                    changes=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("群机器人已保存。"))
                return redirect("tasks:webhooks")
    else:
        form = WebhookForm(initial=webhook_initial(hook), user=request.user)
    return render(request, "tasks/webhook_form.html", {"form": form, "hook": hook})


@require_POST
def webhook_test(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hook = webhook_get_visible(request.user, pk)
    delivery = team_webhook_test(webhook=hook, actor=request.user)
    if delivery.status == DeliveryStatus.SENT:
        messages.success(request, _("测试消息已发送，请在群里查看。"))
    else:
        messages.error(request, _("测试消息发送失败：%(error)s") % {"error": delivery.error or "—"})
    return redirect("tasks:webhooks")
