"""Sites, officers and a phone photo shared by the chat incident tests (Telegram and Zalo)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core.airing.models import Board, Cluster
from core.org.models import Officer, Unit
from core.runtime import Runtime
from core.types import ClusterKind, Role, UnitKind
from tests.bot.conftest import Seed


@dataclass
class Places:
    operator_id: int
    market_board_id: int
    gate_operator_id: int
    gate_cluster_id: int
    gate_board_id: int


def places(rt: Runtime, seeded: Seed) -> Places:
    """Two boards at the commune's own cluster with its operator; a border gate run by the economic zone board,
    standing in xã Thu Lũm, with its own operator."""
    with rt.db.unit_of_work() as s:
        operator = Officer(unit_id=seeded.commune_id, full_name="Vận hành Sìn Hồ", role=str(Role.operator))
        market = Board(code="SINHO-CHO", name="Bảng tin chợ", cluster_id=seeded.own_cluster_id)
        hall = Board(code="SINHO-UB", name="Bảng tin trụ sở UBND", cluster_id=seeded.own_cluster_id)
        zone = Unit(code="BQL-KKT", name="Ban Quản lý Khu kinh tế", kind=str(UnitKind.economic_zone))
        thulum = Unit(code="XA-THULUM", name="UBND xã Thu Lũm", kind=str(UnitKind.commune))
        s.add_all([operator, market, hall, zone, thulum])
        s.flush()
        gate = Cluster(code="C-UMATU", name="Cửa khẩu U Ma Tu Khoòng", kind=str(ClusterKind.border_gate),
                       operator_unit_id=zone.id, commune_unit_id=thulum.id)
        gate_operator = Officer(unit_id=zone.id, full_name="Vận hành cửa khẩu", role=str(Role.operator))
        s.add_all([gate, gate_operator])
        s.flush()
        screen = Board(code="UMT-01", name="Màn hình cổng cửa khẩu", cluster_id=gate.id)
        s.add(screen)
        s.flush()
        return Places(operator.id, market.id, gate_operator.id, gate.id, screen.id)  # type: ignore[arg-type]


def phone_jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A camera-sized JPEG with detail in it (a flat picture would compress to nothing)."""
    rng = np.random.default_rng(7)
    x = np.linspace(0, 255, width, dtype=np.float32)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    pixels = np.stack([x + 0 * y, y + 0 * x, (x + y) / 2], axis=-1) + rng.normal(0, 24, (height, width, 3))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
