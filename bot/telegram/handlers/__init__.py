"""One router per kind of update; each handler parses, calls the conversation once, and returns."""
