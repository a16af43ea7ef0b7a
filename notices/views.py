"""The user's in-app notices: a list, mark read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notices.selectors import notices_for
from notices.services import notices_mark_read
from salesadmin.decimal_input import parse_id
from salesadmin.pages import page_of


@login_required
def notice_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = page_of(request, notices_for(user=request.user, unread_only=unread_only))
    return render(request, "notices/list.html", {"page": page, "unread_only": unread_only})


@require_POST
@login_required
def notice_mark_read(request):
    """Mark one notice (``notice``) or all of the user's notices read."""
    notice_id = request.POST.get("notice", "")
    ids = [parse_id(notice_id)] if parse_id(notice_id) is not None else None
    notices_mark_read(user=request.user, notice_ids=ids)
    return redirect("notices")
