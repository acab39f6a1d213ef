"""Account selects that scale: a few options and a search box, not every account."""

from typing import cast

from django import forms
from django.db.models import QuerySet

from kam.accounts.models import Account
from kam.accounts.selectors import account_options


def account_picker(
    form: forms.Form, name: str, accounts: QuerySet[Account], url: str
) -> int | None:
    """Make `form`'s `name` select a picker: validation accepts any of `accounts`; the select
    lists a few of them (`account_options`, the chosen one first) and the search box rendered
    beside it (partials/form_fields.html → partials/account_picker.html) fetches the <option>s
    matching a name from `url`. Returns the id chosen so far (posted or initial), if any."""
    field = cast(forms.ModelChoiceField, form.fields[name])
    field.queryset = accounts
    raw = form.data.get(form.add_prefix(name)) if form.is_bound else form.initial.get(name)
    chosen = int(raw) if raw is not None and str(raw).isdigit() else None
    field.widget.choices = lambda: [
        ("", field.empty_label),
        *account_options(accounts, chosen=chosen),
    ]
    field.options_url = url  # type: ignore[attr-defined]
    return chosen
