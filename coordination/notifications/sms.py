"""SMS behind an interface: the backend is a setting (``SMS_BACKEND``), so a real gateway can
be plugged in without touching the callers. The default logs the message instead of sending."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Writes each message to the log: the demo and tests send no real SMS."""

    def send(self, phone: str, text: str) -> None:
        # Only the last digits: the log is not the place for a full phone number.
        log.info("SMS to …%s: %s", phone[-3:], text)


def send_sms(phone: str, text: str) -> None:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(phone, text)
