"""Webhook deliveries in the background: one attempt per task run (review.api.webhooks)."""

from celery import shared_task

from review.api import webhooks


@shared_task(name="review.deliver_webhook")
def deliver_webhook(*, delivery_id: int) -> str:
    return webhooks.delivery_attempt(delivery_id=delivery_id)
