"""Incidents at the boards: silent boards (health sweep) and reported ones, with owners, deadlines, escalation."""
