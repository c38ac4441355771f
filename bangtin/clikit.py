"""What every `bangtin` command shares: the `--json` flag, the CLI's audit actor, building the runtime,
printing lines or JSON."""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Any

import typer

from bangtin import tasks
from core import runtime as runtime_module
from core.records import audit
from core.runtime import Runtime
from core.types import Channel

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
CLI_ACTOR = audit.Actor(label=f"cli:{getpass.getuser()}", channel=Channel.cli)


def _runtime() -> Runtime:
    tasks.load()
    return runtime_module.build()


def _print(data: Any, as_json: bool, lines: list[str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        for line in lines:
            typer.echo(line)
