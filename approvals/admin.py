from django.contrib import admin

from approvals.models import ApprovalAssignment, ApprovalLevel, ApprovalStep


@admin.register(ApprovalLevel)
class ApprovalLevelAdmin(admin.ModelAdmin):
    list_display = ["rank", "code", "name", "limit"]


@admin.register(ApprovalAssignment)
class ApprovalAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "level", "personal_limit"]
    list_select_related = ["user", "level"]


@admin.register(ApprovalStep)
class ApprovalStepAdmin(admin.ModelAdmin):
    list_display = ["document_type", "document_number", "level", "decision", "user", "created_at"]
    list_select_related = ["level", "user"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
