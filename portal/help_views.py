"""The help page (each of the user's roles: daily steps and a screenshot) and
closing the first-login hint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.help import help_sections, hint_dismiss
from salesadmin.roles import Role


@require_GET
@login_required
def help_page(request):
    mine = help_sections(request.user)
    everyone = help_sections(request.user, only_roles=list(Role)) if not mine else []
    return render(request, "portal/help.html", {"sections": mine or everyone})


@require_POST
@login_required
def hint_close(request, role: str):
    hint_dismiss(user=request.user, role=role)
    return redirect("home")
