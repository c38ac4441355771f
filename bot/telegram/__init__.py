"""The Telegram adapter on aiogram 3: parse updates into `Inbound` events, send replies, fetch files."""
