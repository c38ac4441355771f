"""The two functions behind `bangtin media process` and `bangtin lang`: JSON-able, side-effect free."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.settings import Settings
from media import cli


def test_import_has_no_heavy_side_effects():
    code = "import sys, media.cli; print('av' in sys.modules, 'faster_whisper' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[2])
    assert out.stdout.split() == ["False", "False"]


def test_process_file_report(sample, tmp_path):
    report = cli.process_file(sample("iphone_hevc.mov"), tmp_path / "out", Settings(data_dir=tmp_path))
    json.dumps(report)
    assert report["ok"] and report["kind"] == "video"
    assert report["probe"]["rotation"] == 270 and report["probe"]["video_codec"] == "hevc"
    assert {d["role"] for d in report["derived"]} == {"normalised", "poster", "thumbnail"}
    assert all(len(d["sha256"]) == 64 and Path(d["file"]).is_file() for d in report["derived"])
    assert report["transcript"]["status"] == "unavailable"


def test_process_file_failure_reason(sample, tmp_path):
    report = cli.process_file(sample("cut_tail.mp4"), tmp_path / "out", Settings(data_dir=tmp_path))
    json.dumps(report)
    assert report["ok"] is False and report["failure"]["code"] == "truncated"
    assert report["failure"]["reason"] == "Tệp bị hỏng hoặc bị gửi thiếu, chưa trọn vẹn."


def test_tag_text_json():
    result = cli.tag_text("Mọi người đều có quyền được học hành.")
    json.dumps(result)
    assert set(result) >= {"language", "confidence", "needs_review", "method", "detail"}
    assert result["language"] == "vi"


def test_catalogs_translate_every_message():
    from babel.messages.pofile import read_po

    root = Path(__file__).parents[2] / "i18n" / "locale"
    with (root / "vi" / "LC_MESSAGES" / "media.po").open("rb") as handle:
        vi = read_po(handle)
    with (root / "en" / "LC_MESSAGES" / "media.po").open("rb") as handle:
        en = read_po(handle)
    ids = {m.id for m in vi if m.id}
    assert ids == {m.id for m in en if m.id}
    assert all(m.string and m.string != m.id for m in vi if m.id)
    source = "".join(p.read_text() for p in (Path(__file__).parents[2] / "media").glob("*.py"))
    assert all(msgid in source for msgid in ids)
