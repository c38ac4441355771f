"""Plain functions behind `bangtin media process FILE --out DIR` and `bangtin lang TEXT`.

Importing this module has no side effects and loads neither PyAV nor faster-whisper; the command
line wires these functions and prints their JSON-able results.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from core.settings import Settings


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def process_file(file: Path, out: Path, settings: Settings) -> dict[str, Any]:
    """Run the whole media pipeline on one file into `out`; a JSON-able report, or the failure reason."""
    from media import pipeline
    from media.errors import MediaRejected

    if not file.is_file():
        return {"ok": False, "file": str(file), "failure": {"code": "missing", "reason": f"no such file: {file}"}}
    try:
        result = pipeline.run(file, out, settings=settings)
    except MediaRejected as exc:
        return {
            "ok": False,
            "file": str(file),
            "failure": {"code": exc.code, "reason": exc.reason("vi"), "reason_en": exc.reason("en")},
        }
    report = result.report()
    for item in report["derived"]:
        item["sha256"] = _sha256(Path(item["file"]))
    return {"file": str(file), "original_sha256": _sha256(file), **report}


def tag_text(text: str) -> dict[str, Any]:
    """The language tag of `text`: language, confidence, needs_review, method and the evidence."""
    from media.langtag import tag_text as _tag

    return _tag(text).to_dict()
