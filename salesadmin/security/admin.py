from django.contrib import admin

from salesadmin.security.models import LoginEvent


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (a trigger refuses changes anyway)."""

    list_display = ("at", "kind", "username", "ip_address", "path", "actor")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
