"""Board identity: pairing a new player by a short code, and revocable tokens (only their hash is kept)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, func, select

from core.airing import push
from core.airing.models import Board, PairingRequest
from core.errors import Invalid, NotFound
from core.records import audit
from core.types import Channel, utcnow

PAIRING_TTL = timedelta(minutes=30)
CODE_ALPHABET = "ACEFHJKLMNPRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes on a far screen
CODE_LENGTH = 6
MAX_OPEN_PAIRINGS_PER_ADDRESS = 5
MAX_OPEN_PAIRINGS = 1000


class PairingExpired(Invalid):
    """The code was never entered in time; the player asks for a new one."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def board_actor(board: Board) -> audit.Actor:
    return audit.Actor(label=f"board:{board.code}", channel=Channel.player)


def find_board(session: Session, *, board_ref: str) -> Board:
    """A board by its code or its exact name."""
    board = session.exec(select(Board).where(Board.code == board_ref)).first() or session.exec(
        select(Board).where(Board.name == board_ref)
    ).first()
    if board is None:
        raise NotFound(f"no board with code or name {board_ref!r}")
    return board


def _issue(session: Session, *, board: Board, actor: audit.Actor, action: str) -> str:
    token = "bt_" + secrets.token_urlsafe(32)
    had = board.token_hash is not None
    board.token_hash = hash_token(token)
    board.token_issued_at = utcnow()
    if board.status == "unpaired":
        board.status = "offline"  # paired, not heard from yet
    session.add(board)
    session.flush()
    audit.record(session, actor=actor, action=action, object_type="board", object_id=board.id,
                 before={"had_token": had}, after={"token_issued_at": board.token_issued_at})
    push.bump(session)  # open push streams of the old token close
    return token


def issue_board_token(session: Session, *, board_ref: str, actor: audit.Actor) -> str:
    """A new token for the board (code or exact name); the old one stops working at once."""
    return _issue(session, board=find_board(session, board_ref=board_ref), actor=actor, action="board.token_issued")


def revoke_board_token(session: Session, *, board: Board, actor: audit.Actor) -> None:
    """Revoke the board's token: its player has to be paired again."""
    board.token_hash = None
    board.status = "unpaired"
    session.add(board)
    session.flush()
    audit.record(session, actor=actor, action="board.token_revoked", object_type="board", object_id=board.id)
    push.bump(session)


def authenticate_board(session: Session, *, token: str) -> Board | None:
    """The active board holding this token, or None for a revoked, unknown or malformed token."""
    if not token.startswith("bt_") or len(token) > 100:
        return None
    board = session.exec(select(Board).where(Board.token_hash == hash_token(token))).first()
    return board if board is not None and board.is_active and board.status != "retired" else None


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def start_pairing(session: Session, *, address: str | None, now: datetime | None = None) -> tuple[str, str]:
    """A new player asks to be paired: returns (code to show, secret claim the player keeps)."""
    now = now or utcnow()
    session.exec(
        delete(PairingRequest).where(col(PairingRequest.expires_at) < now, col(PairingRequest.board_id).is_(None))
    )
    open_total = session.exec(select(func.count()).select_from(PairingRequest)).one()
    open_here = session.exec(
        select(func.count()).select_from(PairingRequest).where(PairingRequest.address == address)
    ).one()
    if open_total >= MAX_OPEN_PAIRINGS or open_here >= MAX_OPEN_PAIRINGS_PER_ADDRESS:
        raise Invalid("too many pairing requests waiting; try again later", field="pairing")
    code = _new_code()
    while session.exec(select(PairingRequest.id).where(PairingRequest.code == code)).first() is not None:
        code = _new_code()
    claim = secrets.token_urlsafe(32)
    session.add(PairingRequest(code=code, claim_hash=hash_token(claim), created_at=now, expires_at=now + PAIRING_TTL,
                               address=address))
    session.flush()
    return code, claim


def pair_board(session: Session, *, code: str, board: Board, actor: audit.Actor) -> PairingRequest:
    """An operator enters the code shown by a player: the player will receive this board's token."""
    request = session.exec(select(PairingRequest).where(PairingRequest.code == normalise_code(code))).first()
    if request is None or request.board_id is not None or request.expires_at < utcnow():
        raise NotFound("no player is waiting with this code")
    request.board_id, request.paired_by_id, request.paired_at = board.id, actor.officer_id, utcnow()
    board.pairing_code = request.code
    session.add_all([request, board])
    session.flush()
    audit.record(session, actor=actor, action="board.paired", object_type="board", object_id=board.id,
                 after={"code": request.code, "address": request.address})
    return request


def claim_pairing(session: Session, *, claim: str) -> tuple[str, Board] | None:
    """The waiting player asks again: None while no operator paired it, else (its new token, board)."""
    request = session.exec(select(PairingRequest).where(PairingRequest.claim_hash == hash_token(claim))).first()
    if request is None:
        raise NotFound("unknown pairing request")
    if request.board_id is None:
        if request.expires_at < utcnow():
            session.delete(request)
            session.flush()
            raise PairingExpired("the pairing code expired", field="claim")
        return None
    board = session.get(Board, request.board_id)
    assert board is not None
    session.delete(request)
    session.flush()
    token = _issue(session, board=board, actor=board_actor(board), action="board.token_issued")
    return token, board
