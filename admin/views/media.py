"""Media files from the store, served only to officers who may see the submission they belong to."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from admin.deps import CurrentScope, ReadSession, RuntimeDep
from core.accounts import access
from core.errors import NotFound
from core.intake.models import MediaAsset

router = APIRouter(tags=["media"], include_in_schema=False)


@router.get("/media/{asset_id}")
def media_file(session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, asset_id: int,
               download: bool = False) -> Response:
    asset = session.get(MediaAsset, asset_id)
    if asset is None or asset.submission_id is None:
        raise NotFound("not found")
    access.get_submission_for(session, scope=scope, submission_id=asset.submission_id)
    path = runtime.store.local_path(asset.sha256)
    if not path.is_file():
        raise NotFound("not found")
    # Range requests are answered by FileResponse, so the player can seek in long clips.
    return FileResponse(path, media_type=asset.mime or "application/octet-stream",
                        filename=asset.filename if download else None,
                        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})
