from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.cases.choices import Channel


class ApiKey(models.Model):
    """A key an outside system presents to report cases (Open311 clients, detection systems).

    Only the key's SHA-256 digest is kept: the key itself is shown once, when it is made, and a
    leaked database does not leak working keys. The key decides the channel its reports count
    under, so a citizen app cannot file patrol finds."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8, help_text=_("to recognise the key by"))
    digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.CITIZEN
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Intake(models.Model):
    """How a case came in: through which door, under which key, and what that door delivered
    beyond the case itself (an e-mail address, a service's attributes, an order number).

    ``key`` makes a resend harmless: the same key at the same door finds the case made the first
    time instead of making another. ``token`` answers Open311's ``tokens/{token}``."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="intake"
    )
    source = models.CharField(_("source"), max_length=20)
    key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("API key"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key"],
                condition=~models.Q(key=""),
                name="intake_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.key or self.token}"
