"""Domain services: keyword-only, typed functions that flush and never commit."""
