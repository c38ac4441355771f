"""Typed request parameters bounded to what the database can hold (a 64-bit signed integer column).

A number past that range used to reach the driver and come back as a 500; here it is a 422 before
any query runs.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from fastapi import Path, Query

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

DbId = Annotated[int, Path(ge=1, le=INT64_MAX)]
"""A row id in the path."""

QueryId = Annotated[int, Query(ge=1, le=INT64_MAX)]
Offset = Annotated[int, Query(ge=0, le=INT32_MAX)]
Page = Annotated[int, Query(ge=1, le=INT32_MAX)]

# For a handler shared by a route with the id in its path and one without (`/units` and `/units/{unit_id}`).
MaybeDbId = Annotated[int, Interval(ge=1, le=INT64_MAX)] | None
