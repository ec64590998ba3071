from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        from django.db.models.signals import post_delete

        from claims.models import Claim
        from claims.signals import record_tombstone

        post_delete.connect(record_tombstone, sender=Claim, dispatch_uid="claims.tombstone")
