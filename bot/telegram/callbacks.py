"""Callback data of the inline buttons: which answer, and which draft it belongs to."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ChoiceData(CallbackData, prefix="c"):
    action: str
    value: str
    ref: int = 0
