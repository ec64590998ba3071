from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ClaimdeskAdminSite(admin.AdminSite):
    site_header = "claimdesk"
    site_title = "claimdesk"
    index_title = "Claim verification"
    index_template = "admin/claimdesk_index.html"
    # The app list beside every page costs a claims list its width at 1280 px; the breadcrumbs and the index serve.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        from claims.selectors import broker_queue_length, document_status_counts

        extra_context = {
            **(extra_context or {}),
            "document_counts": document_status_counts(),
            "queue_length": broker_queue_length(),
        }
        return super().index(request, extra_context)


class ClaimdeskAdminConfig(AdminConfig):
    default_site = "config.admin.ClaimdeskAdminSite"
