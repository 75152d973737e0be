"""Celery tasks of the shared ground."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from lkt.core.audit_partitions import ensure_months


@shared_task(ignore_result=True)
def accesslog_partitions_task() -> int:
    """Daily: the access log's coming months have their partitions (lkt.core.audit_partitions);
    returns how many months had to be left to the default partition."""
    return len(ensure_months(timezone.now().date()))
