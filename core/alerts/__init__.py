"""Alerts in: CAP 1.2 warnings from outside start, update and stop emergencies on the boards of the areas they name."""
