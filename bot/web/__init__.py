"""The web side of chat intake: the Telegram webhook, the large-file upload page and the officers' page."""
