from django import forms
from django.utils.translation import gettext_lazy as _

from kam.users.selectors import SAVED_VIEW_LISTS


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100)


class SavedViewForm(forms.Form):
    list_key = forms.ChoiceField(choices=[(key, key) for key in SAVED_VIEW_LISTS])
    name = forms.CharField(label=_("视图名称"), max_length=60)
    is_default = forms.BooleanField(label=_("设为默认"), required=False)
    query_string = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
