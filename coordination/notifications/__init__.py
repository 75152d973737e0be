"""Notifications: notify, the outbox that delivers e-mail and SMS, the daily digest, the
unread count, the inbox, each person's choices and calendar feed."""
