"""Outgoing email: SMTP in production, a readable outbox in development."""
