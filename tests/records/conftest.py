"""Records fixtures: the seeded demo (copied per test) with plays, incidents and costs made directly."""

from __future__ import annotations

from tests.admin.conftest import org, seeded, seeded_template  # noqa: F401  (fixtures)
