"""Editors' work on submissions: the queue, decisions, corrections, edit locks, translations, subtitles, the library."""
