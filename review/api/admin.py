"""Webhook endpoints and their delivery log in the admin; a disabled endpoint is shown as such."""

from django.contrib import admin, messages
from django.utils.html import format_html

from review.api import webhooks
from review.models import WebhookDelivery, WebhookEndpoint


class DisabledFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Receiving events"), ("disabled", "Disabled after failures"), ("off", "Switched off")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(is_active=True, disabled_at__isnull=True)
        if self.value() == "disabled":
            return queryset.filter(disabled_at__isnull=False)
        if self.value() == "off":
            return queryset.filter(is_active=False)
        return queryset


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["created_at", "event", "status", "attempts", "response_status", "error"]
    readonly_fields = fields
    ordering = ["-id"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        # The latest deliveries only: an endpoint's log grows without bound.
        latest = WebhookDelivery.objects.filter(endpoint=request.resolver_match.kwargs.get("object_id"))
        ids = list(latest.order_by("-id").values_list("pk", flat=True)[:20])
        return super().get_queryset(request).filter(pk__in=ids)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "events", "state", "consecutive_failures", "created_at"]
    list_filter = [DisabledFilter]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at", "updated_at"]
    search_fields = ["url", "owner__username"]
    inlines = [DeliveryInline]
    actions = ["enable"]

    @admin.display(description="state")
    def state(self, endpoint):
        if endpoint.is_disabled:
            return format_html(
                '<strong style="color:#c62828">Disabled</strong> since {}: {}',
                f"{endpoint.disabled_at:%Y-%m-%d %H:%M} UTC",
                endpoint.disabled_reason,
            )
        if not endpoint.is_active:
            return format_html('<span style="color:#777">{}</span>', "Switched off")
        return format_html('<span style="color:#2e7d32">{}</span>', "Receiving events")

    @admin.action(description="Enable again (the failure count starts over)")
    def enable(self, request, queryset):
        endpoints = list(queryset.filter(disabled_at__isnull=False))
        for endpoint in endpoints:
            webhooks.endpoint_enable(endpoint=endpoint)
        self.message_user(request, f"{len(endpoints)} endpoints enabled again.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "endpoint", "event", "status", "attempts", "response_status"]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
