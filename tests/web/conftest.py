"""Fixtures of the web tests: the admin fixtures (seeded demo, sign-in helpers) reused."""

from tests.admin.conftest import org, seeded_template, web  # noqa: F401
