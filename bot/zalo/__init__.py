"""The Zalo Official Account (Open API v3) adapter: webhook, client, port."""
