from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "kam.contacts"
    verbose_name = _("关键人与决策链")
