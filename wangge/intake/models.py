from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.cases.choices import Channel


class ApiKey(models.Model):
    """A key an outside system presents to report cases (Open311 clients, partner apps).

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
        db_index=False,
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
        # Imports and the web's own forms come in without a key: only the keyed are indexed.
        indexes = [
            models.Index(
                fields=["api_key"], condition=models.Q(api_key__isnull=False), name="intake_api_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.key or self.token}"


# Which channels a detection system's finds count under: smart-scene algorithms (AI), or a
# video-patrol platform whose operators watch the cameras (Jing'an seed 002: 视频巡查).
DETECTION_CHANNELS = [
    (Channel.AI.value, Channel.AI.label),
    (Channel.VIDEO.value, Channel.VIDEO.label),
]


class DetectionSystem(models.Model):
    """A system that reports what cameras see (Yingpu seed 003: smart scenes on the police's and
    market regulators' video, 智能化场景发现), through a signed JSON webhook.

    Each request is signed with HMAC-SHA256 under the system's shared secret. Unlike an API key,
    which is checked against its digest, a signature can only be checked with the secret itself,
    so the secret is stored as it is; it is shown once, when it is made (or replaced), and never
    again: not in the admin, not in any answer. Anyone who reads the database can sign as the
    system; replace the secret (``wangge detections system CODE --new-secret``) if it leaks.

    Finds of an AI system in sub-classes the district dispatches automatically are registered and
    dispatched by the system when the detection is at least ``min_confidence`` sure; the rest
    wait for a dispatcher, as do all finds of a video-patrol platform."""

    code = models.SlugField(
        _("code"), max_length=32, unique=True, help_text=_("how the system names itself")
    )
    name = models.CharField(_("name"), max_length=100)
    secret = models.CharField(_("shared secret"), max_length=64, editable=False)
    channel = models.CharField(
        _("channel"), max_length=20, choices=DETECTION_CHANNELS, default=Channel.AI
    )
    min_confidence = models.FloatField(
        _("confidence for automatic dispatch"),
        default=0.8,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Less sure detections wait for a dispatcher."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("detection system")
        verbose_name_plural = _("detection systems")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Camera(models.Model):
    """A camera a detection system reports for, where it stands (WGS-84) and the grid that holds
    that point. Cases are placed by the camera's point, located afresh with each detection; the
    grid here is where it was when the camera was registered, to list and scope cameras by.
    Only its own system may report for a camera."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    lng = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="cameras"
    )
    system = models.ForeignKey(
        DetectionSystem,
        verbose_name=_("detection system"),
        on_delete=models.PROTECT,
        related_name="cameras",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
