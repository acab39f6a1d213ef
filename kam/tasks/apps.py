from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "kam.tasks"
    label = "tasks"
    verbose_name = _("任务与提醒")
