"""Media files from the store, served only to officers who may see the submission they belong to.

An uploader chooses the bytes, the file name and the declared type of an original, so an original
is never rendered by the browser as a document: it is a download, typed from what our own probe
found (or as opaque bytes), with `nosniff` and a sandboxing CSP. Derived files are ours (made by the
media pipeline) and play inline with the type the pipeline recorded, if it is a media type at all.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from admin.deps import CurrentScope, ReadSession, RuntimeDep
from admin.params import DbId
from core.accounts import access
from core.errors import NotFound
from core.intake.models import MediaAsset
from core.types import AssetRole

router = APIRouter(tags=["media"], include_in_schema=False)

# Types that a browser may display inline from the media store: pictures, sound and film, and the
# subtitle format. Markup (HTML, SVG, XHTML, XML) and anything else is never among them.
_INLINE_TYPES = frozenset({
    "image/jpeg", "image/png", "image/webp", "image/gif",
    "video/mp4", "video/webm", "audio/mp4", "audio/mpeg", "audio/ogg", "audio/webm", "audio/aac", "audio/wav",
    "text/vtt",
})
_OPAQUE = "application/octet-stream"
# Even if a browser were made to render the file, it would run in an opaque origin with no script.
SANDBOX_HEADERS = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'; media-src 'self'; img-src 'self'"}


def safe_type(asset: MediaAsset) -> str:
    """The type to serve: a recorded media type whose family matches what the probe found, else opaque bytes."""
    mime = (asset.mime or "").split(";")[0].strip().lower()
    if mime not in _INLINE_TYPES:
        return _OPAQUE
    if asset.role == AssetRole.original.value:
        # An original's type is the uploader's word: keep it only when our probe saw that family.
        family = mime.split("/")[0]
        if not asset.probe or asset.kind not in {"image", "video", "audio"} or family != asset.kind:
            return _OPAQUE
    return mime


@router.get("/media/{asset_id}")
def media_file(session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, asset_id: DbId,
               download: bool = False) -> Response:
    asset = session.get(MediaAsset, asset_id)
    if asset is None or asset.submission_id is None:
        raise NotFound("not found")
    access.get_submission_for(session, scope=scope, submission_id=asset.submission_id)
    path = runtime.store.local_path(asset.sha256)
    if not path.is_file():
        raise NotFound("not found")
    original = asset.role == AssetRole.original.value
    name = asset.filename or f"{asset.sha256[:12]}"
    # Range requests are answered by FileResponse, so the player can seek in long clips.
    return FileResponse(path, media_type=safe_type(asset), filename=name if (download or original) else None,
                        content_disposition_type="attachment", headers=SANDBOX_HEADERS)
