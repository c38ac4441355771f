"""The `bangtin` command line: every command and setting of DESIGN.md's contracts.

Each command builds the runtime it needs, calls one service, and prints (JSON with `--json`).
A setting or input error ends with one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from bangtin.clikit import CLI_ACTOR, JsonFlag, _print, _runtime
from bangtin.records_cli import audit_app, backup, export_app, report_app, restore
from core import migrate
from core import runtime as runtime_module
from core.errors import BangtinError

app = typer.Typer(help="bangtin: public electronic information boards of Lai Châu.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
units_app = typer.Typer(help="Units of the organisation.", no_args_is_help=True)
user_app = typer.Typer(help="Web accounts.", no_args_is_help=True)
media_app = typer.Typer(help="The media pipeline.", no_args_is_help=True)
plans_app = typer.Typer(help="Daily airing plans.", no_args_is_help=True)
boards_app = typer.Typer(help="Boards and their tokens.", no_args_is_help=True)
reminders_app = typer.Typer(help="Deadline reminders.", no_args_is_help=True)
alerts_app = typer.Typer(help="CAP warnings from outside.", no_args_is_help=True)
for sub, name in ((db_app, "db"), (units_app, "units"), (user_app, "user"), (media_app, "media"),
                  (plans_app, "plans"), (boards_app, "boards"), (reminders_app, "reminders"), (audit_app, "audit"),
                  (report_app, "report"), (export_app, "export"), (alerts_app, "alerts")):
    app.add_typer(sub, name=name)

# -- running -----------------------------------------------------------------------------------
def demo_login_line(login: dict[str, str]) -> str:
    """One demo login of the `make run` banner: the role in Vietnamese, where that role starts."""
    from i18n import gettext, labels

    role = gettext("vi", labels.ROLES.get(login["role"], login["role"]))
    where = {"contributor": "cán bộ gửi tin: trang Gửi tin mới (/gui)",
             "administrator": "cài xác thực hai lớp trước",
             "translator": "trang Bản dịch"}.get(login["role"], "")
    line = f"{role:<22} {login['username']:<18} {login['password']:<24}"
    return f"{line} {where}".rstrip()


@app.command()
def up() -> None:
    """Web app + worker (+ the bot when a token is set) on one machine; Ctrl-C stops them all."""
    from bangtin.supervisor import DataDirLock, InstanceLock, run_together
    from core.org.seed import demo_logins

    rt = _runtime()
    settings = rt.settings
    # Processes of an earlier instance (killed outright) must be gone: they end with their parent,
    # which takes a moment; then this instance holds the DATA_DIR lock shared like its children.
    with InstanceLock(settings.data_path), DataDirLock(settings.data_path, exclusive=True, wait_s=10):
        pass
    with InstanceLock(settings.data_path), DataDirLock(settings.data_path, exclusive=False):
        migrate.upgrade(rt.db.engine)
        commands = ["web", "worker"] + (["bot"] if settings.telegram_token else [])

        def announce() -> None:
            typer.echo(f"bangtin đang chạy / is running: {settings.public_url}")
            typer.echo(f"  data: {settings.data_path}   (Ctrl-C để dừng / to stop)")
            if settings.demo:
                typer.echo("  Tài khoản demo / demo logins (vai trò · tên đăng nhập · mật khẩu):")
                for login in demo_logins():
                    typer.echo("    " + demo_login_line(login))
                typer.echo(
                    "  Quản trị viên phải cài xác thực hai lớp (ứng dụng mã OTP trên điện thoại) ở lần đăng nhập đầu;"
                )
                typer.echo("  the administrator sets up a second factor (an authenticator app) at the first login.")
            if not settings.telegram_token:
                typer.echo("  Bot: BANGTIN_TELEGRAM_TOKEN chưa đặt / not set — the bot is not started")

        rt.close()
        raise typer.Exit(run_together(commands=commands, public_url=settings.public_url, on_ready=announce))


@app.command()
def web(workers: Annotated[int, typer.Option(help="Web processes.")] = 1) -> None:
    """The web app (admin pages, player API, webhooks) with uvicorn."""
    import uvicorn

    from bangtin.supervisor import hold_shared

    settings = _runtime().settings  # fail here, with one clear line, on bad settings
    hold_shared(settings.data_path)  # a restore waits for this process too
    uvicorn.run(
        "bangtin.webapp:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


@app.command()
def worker() -> None:
    """The task consumer (media jobs, deliveries, reminders, periodic sweeps)."""
    import os

    from bangtin.supervisor import hold_shared

    rt = _runtime()
    hold_shared(rt.settings.data_path)  # inherited by its worker processes: a restore waits for them all
    # Forked worker processes must not reuse the parent's database connections, and end with the
    # consumer even when it is killed outright (else they are orphans that hold the DATA_DIR lock).
    from bangtin.supervisor import die_with_parent

    def after_fork() -> None:
        rt.db.engine.dispose(close=False)
        die_with_parent()

    os.register_at_fork(after_in_child=after_fork)
    consumer = rt.queue.huey.create_consumer(
        workers=rt.settings.worker_processes, worker_type="process", periodic=True, check_worker_health=True
    )
    consumer.run()


@app.command()
def bot() -> None:
    """The Telegram bot in long-polling mode (webhook mode runs inside `bangtin web`)."""
    from bangtin.supervisor import hold_shared
    from bot.cli import run_bot

    rt = _runtime()
    hold_shared(rt.settings.data_path)
    run_bot(rt)


# -- schema and organisation ---------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Bring the database schema up to date (safe to repeat)."""
    rt = _runtime()
    migrate.upgrade(rt.db.engine, revision)
    typer.echo(f"database at revision {migrate.current(rt.db.engine)}")


@app.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="The Lai Châu demo organisation and logins.")] = False,
    file: Annotated[Path | None, typer.Option(help="An organisation file of your own (TOML).")] = None,
) -> None:
    """Load an organisation: adds what is missing, never overwrites a row that exists (web edits stay)."""
    from core.org.seed import DEMO_FILE, load_organisation, read_organisation

    if not demo and file is None:
        raise typer.BadParameter("give --demo or --file PATH")
    rt = _runtime()
    migrate.upgrade(rt.db.engine)
    data = read_organisation(DEMO_FILE if demo or file is None else file)
    with rt.db.unit_of_work() as session:
        counts = load_organisation(session, data=data, actor=CLI_ACTOR)
    typer.echo(json.dumps(counts or {"unchanged": True}, ensure_ascii=False))


@units_app.command("list")
def units_list(
    as_json: JsonFlag = False, all_: Annotated[bool, typer.Option("--all", help="Include ended units.")] = False
) -> None:
    """Units in force today (code, kind, name, duties)."""
    from core.org import service as org

    rt = _runtime()
    today = rt.settings.today()
    with rt.db.reading() as session:
        units = org.list_units(session, on=None if all_ else today)
        rows: list[dict[str, Any]] = [
            {
                "code": u.code,
                "name": u.name,
                "kind": u.kind,
                "valid_from": u.valid_from,
                "valid_to": u.valid_to,
                "duties": org.duties_of(session, unit_id=u.id, on=today),  # type: ignore[arg-type]  # stored rows have ids
            }
            for u in units
        ]
    _print(rows, as_json, [f"{r['code']:<12} {r['kind']:<14} {r['name']}  [{', '.join(r['duties'])}]" for r in rows])


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option()],
    unit: Annotated[str, typer.Option(help="Unit code or exact name.")],
    password: Annotated[str | None, typer.Option(
        help="For scripts only: a password here is visible in the process list. Without it the password "
             "is asked for (hidden), or read as one line from standard input when that is not a terminal.")] = None,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
) -> None:
    """Create a personal web account."""
    from core.org import service as org

    if password is None:
        if sys.stdin.isatty():
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    rt = _runtime()
    with rt.db.unit_of_work() as session:
        officer = org.create_user(
            session,
            settings=rt.settings,
            actor=CLI_ACTOR,
            username=username,
            password=password,
            role=role,
            unit_ref=unit,
            full_name=name,
        )
    typer.echo(f"created {officer.username} ({officer.role}) id={officer.id}")


@user_app.command("erase")
def user_erase(officer_id: Annotated[int, typer.Argument(help="The officer's id (units page, `--json` lists).")],
               yes: Annotated[bool, typer.Option("--yes", help="Do it: this cannot be undone.")] = False) -> None:
    """Erase an officer's personal data on request (name, phone, chats, login); their records stay, audited."""
    from core.org.erasure import erase_personal_data

    if not yes:
        typer.echo("bangtin: erasing cannot be undone; add --yes to do it", err=True)
        raise typer.Exit(2)
    rt = _runtime()
    with rt.db.unit_of_work() as session:
        erase_personal_data(session, officer_id=officer_id, actor=CLI_ACTOR)
    typer.echo(f"personal data of officer {officer_id} erased")


@app.command()
def invite(
    unit: Annotated[str, typer.Option(help="Unit code or exact name.")],
    name: Annotated[str, typer.Option(help="The officer's full name.")],
    phone: Annotated[str | None, typer.Option()] = None,
    as_json: JsonFlag = False,
) -> None:
    """Invite an officer to the bot: prints the deep link and a short code."""
    from bot.cli import create_invite

    result = create_invite(_runtime(), unit=unit, name=name, phone=phone, actor=CLI_ACTOR)
    _print(result, as_json, [f"{k}: {v}" for k, v in result.items()])


# -- media -----------------------------------------------------------------------------------------
@media_app.command("process")
def media_process(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)], out: Annotated[Path, typer.Option("--out")]
) -> None:
    """Run the whole media pipeline on one file; prints a JSON report."""
    from media.cli import process_file

    settings = runtime_module.build(install=False).settings
    typer.echo(json.dumps(process_file(file, out, settings), ensure_ascii=False, indent=2, default=str))


@app.command()
def lang(text: Annotated[str, typer.Argument()]) -> None:
    """Tag the language of a text; prints JSON."""
    from media.cli import tag_text

    typer.echo(json.dumps(tag_text(text), ensure_ascii=False))


# -- airing, reminders, records ----------------------------------------------------------------
@plans_app.command("build")
def plans_build(
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD, local (default: today).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Build every board's plans for DAY and the two days after it."""
    from core.airing import plans

    rt = _runtime()
    start = date.fromisoformat(day) if day else rt.settings.today()
    with rt.db.unit_of_work() as session:
        report = plans.build_all_plans(session, day=start, settings=rt.settings)
    _print(report, as_json, [json.dumps(report, ensure_ascii=False, default=str)])


@boards_app.command("list")
def boards_list(as_json: JsonFlag = False) -> None:
    """Boards with their cluster and state."""
    from sqlmodel import select

    from core.airing.models import Board, Cluster

    rt = _runtime()
    with rt.db.reading() as session:
        rows = [
            {"code": b.code, "name": b.name, "cluster": c.code, "status": b.status, "last_seen_at": b.last_seen_at}
            for b, c in session.exec(select(Board, Cluster).join(Cluster).order_by(Cluster.code, Board.code)).all()
        ]
    _print(rows, as_json, [f"{r['code']:<14} {r['cluster']:<10} {r['status']:<9} {r['name']}" for r in rows])


@boards_app.command("token")
def boards_token(board: Annotated[str, typer.Argument(help="Board code or exact name.")]) -> None:
    """Issue a new token for a board (the old one is revoked at once)."""
    from core.airing import boards

    rt = _runtime()
    with rt.db.unit_of_work() as session:
        token = boards.issue_board_token(session, board_ref=board, actor=CLI_ACTOR)
    typer.echo(token)


@alerts_app.command("ingest")
def alerts_ingest(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CAP 1.2 message.")],
                  as_json: JsonFlag = False) -> None:
    """Take one CAP message as if it had arrived by the API, and say what was done (exit 1 if refused)."""
    from core.alerts import service as alerts

    rt = _runtime()
    with rt.db.unit_of_work() as session:
        outcome = alerts.ingest(session, raw=file.read_bytes(), via="cli", actor=CLI_ACTOR, on=rt.settings.today())
    data = outcome.to_json()
    repeat = " (already received)" if data["duplicate"] else ""
    lines = [f"{data['identifier'] or file.name}: {data['outcome']}{repeat}"]
    if data["reason"]:
        lines.append(f"  {data['reason']}")
    if data["emergency_id"]:
        lines.append(f"  emergency {data['emergency_id']} on {', '.join(data['clusters'])}")
    if data["stopped_emergency_ids"]:
        lines.append(f"  stopped emergencies {', '.join(map(str, data['stopped_emergency_ids']))}")
    if data["submission_id"]:
        lines.append(f"  submission {data['submission_id']} waits for an editor")
    _print(data, as_json, lines)
    if outcome.outcome == "refused":
        raise typer.Exit(1)


@reminders_app.command("run")
def reminders_run(
    now: Annotated[str | None, typer.Option(help="ISO time to evaluate at (local if no zone).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Evaluate every deadline rule at that moment: obligations, fulfilment, reminders, escalations."""
    from datetime import datetime

    from core.notify.tasks import run_reminders

    rt = _runtime()
    moment = datetime.fromisoformat(now) if now else datetime.now(rt.settings.tz)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=rt.settings.tz)
    report = run_reminders(rt, now=moment)
    _print(report, as_json, [json.dumps(report, ensure_ascii=False, default=str)])


# `bangtin backup` and `bangtin restore` live with the other records commands.
app.command()(backup)
app.command()(restore)


def main() -> None:
    try:
        app()
    except BangtinError as exc:
        typer.echo(f"bangtin: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
