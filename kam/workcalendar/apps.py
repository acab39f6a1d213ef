from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "kam.workcalendar"
    verbose_name = _("工作日历")
