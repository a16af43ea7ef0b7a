from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from salesadmin.errors import ApplicationError
from salesadmin.security.twofactor import check_code


class LoginForm(AuthenticationForm):
    """Username and password, and the authenticator code for users who set one up."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=12,
        help_text=_("Only if you have set up two-factor sign-in."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.user_cache is not None:
            try:
                check_code(
                    user=self.user_cache,
                    code=cleaned.get("otp_token", ""),
                    request=self.request,
                    credentials={"username": cleaned.get("username")},
                )
            except ApplicationError as error:
                self.user_cache = None
                raise forms.ValidationError(error.message, code=error.code) from error
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Authenticator code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
            }
        ),
    )
