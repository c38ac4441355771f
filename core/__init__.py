"""The domain shared by bot, admin and media: settings, database, models, services, queue, CLI."""

__version__ = "0.1.0"
