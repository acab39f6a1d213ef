"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message on its field when the form
    has that field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
