"""Outbound messages: texts per event (render) and the Telegram sender used by outbox delivery."""
