from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesadmin.errors import ApplicationError
from salesadmin.security import selectors, services, twofactor
from salesadmin.security.forms import CodeForm, LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def admin_login(request):
    """The admin signs in through the one login page (lockout, two-factor)."""
    target = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': target})}")


@login_required
@permission_required("security.view_loginevent", raise_exception=True)
def lockouts(request):
    return render(
        request,
        "security/lockouts.html",
        {
            "lockouts": selectors.active_lockouts(),
            "events": selectors.recent_login_events(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "can_release": request.user.has_perm("security.release_lockout"),
        },
    )


@require_POST
@login_required
@permission_required("security.release_lockout", raise_exception=True)
def lockout_release(request):
    username = request.POST.get("username", "").strip()
    ip_address = request.POST.get("ip_address", "").strip()
    try:
        services.lockout_release(actor=request.user, username=username, ip_address=ip_address)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Lock lifted for %(who)s.") % {"who": username or ip_address})
    return redirect("security:lockouts")


@login_required
@permission_required(twofactor.PERMISSION, raise_exception=True)
def two_factor(request):
    user = request.user
    form = CodeForm(request.POST or None)
    confirmed = twofactor.confirmed_device(user)
    if request.method == "POST" and form.is_valid():
        try:
            if confirmed is None:
                twofactor.two_factor_confirm(user=user, code=form.cleaned_data["code"])
                messages.success(request, _("Two-factor sign-in is on."))
            else:
                twofactor.two_factor_disable(user=user, code=form.cleaned_data["code"])
                messages.success(request, _("Two-factor sign-in is off."))
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            return redirect("security:two_factor")
    context = {"form": form, "confirmed": confirmed}
    if confirmed is None:
        device = twofactor.pending_device(user)
        context["qr_svg"] = twofactor.qr_svg(device)
        context["secret"] = _base32(device.bin_key)
    return render(request, "security/two_factor.html", context)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
