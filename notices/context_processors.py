from notices.selectors import unread_count


class _UnreadNotices:
    """The navbar's unread count: one indexed COUNT, run only if a template shows it."""

    def __init__(self, user):
        self.user = user
        self._count = None

    def __call__(self) -> int:
        if self._count is None:
            self._count = unread_count(user=self.user)
        return self._count


def unread_notices(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": _UnreadNotices(user)}
