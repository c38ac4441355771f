"""Telling people: the outbox, paced delivery, deadline rules, obligations, reminders, the weekly summary."""
