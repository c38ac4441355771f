"""Settings: one typed object; bad values stop start-up with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import Settings, load_settings


def test_missing_secret_is_refused_outside_demo_with_how_to_set_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ConfigError) as caught:
        settings.check_secret()
    assert "BANGTIN_SECRET_KEY" in str(caught.value)
    assert "secrets.token_urlsafe" in str(caught.value)


@pytest.mark.parametrize("placeholder", ["changethis", "change-me", "secret", "short-but-real"])
def test_placeholder_or_short_secret_is_refused(tmp_path: Path, placeholder: str) -> None:
    with pytest.raises(ConfigError, match="BANGTIN_SECRET_KEY"):
        Settings(data_dir=tmp_path, secret_key=placeholder).check_secret()


def test_demo_mode_keeps_one_generated_key_under_data_dir(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path, demo=True)
    first.prepare_dirs()
    first.check_secret()
    second = Settings(data_dir=tmp_path, demo=True)
    second.check_secret()
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key  # sessions survive a restart


def test_environment_prefix_and_data_dir_move_every_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANGTIN_DATA_DIR", str(tmp_path / "instance-b"))
    monkeypatch.setenv("BANGTIN_PORT", "8123")
    settings = load_settings()
    assert settings.port == 8123
    assert settings.db_url == f"sqlite:///{tmp_path / 'instance-b' / 'bangtin.sqlite3'}"
    assert settings.queue == f"sqlite:///{tmp_path / 'instance-b' / 'queue.sqlite3'}"
    assert settings.media_path == tmp_path / "instance-b" / "media"
    assert settings.timezone == "Asia/Ho_Chi_Minh"


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("BANGTIN_HOST=0.0.0.0\nBANGTIN_TELEGRAM_TOKEN=1:abc\n")
    settings = load_settings()
    assert settings.host == "0.0.0.0"
    assert settings.telegram_token == "1:abc"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BANGTIN_DATABASE_URL", "not a url"),
        ("BANGTIN_DATABASE_URL", "mysql://root@localhost/db"),
        ("BANGTIN_QUEUE_URL", "amqp://guest@localhost"),
        ("BANGTIN_PORT", "seventy"),
        ("BANGTIN_TIMEZONE", "Mars/Olympus"),
    ],
)
def test_malformed_setting_gives_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{variable}:")
    assert "\n" not in message


def test_unwritable_media_dir_names_the_variable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings = Settings(data_dir=tmp_path / "data", media_dir=blocker / "media")
    with pytest.raises(ConfigError, match="^BANGTIN_MEDIA_DIR="):
        settings.prepare_dirs()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "bangtin.example.vn"])
def test_listening_beyond_loopback_without_base_url_is_refused_naming_the_variable(
    tmp_path: Path, host: str
) -> None:
    # Otherwise invites and e-mails would point people at http://0.0.0.0:8000/….
    with pytest.raises(ConfigError, match="BANGTIN_BASE_URL") as caught:
        Settings(data_dir=tmp_path, host=host).check_base_url()
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "settings",
    [
        {"host": "127.0.0.1"},
        {"host": "localhost"},
        {"host": "::1"},
        {"host": "0.0.0.0", "base_url": "https://bangtin.example.vn"},
        {"host": "0.0.0.0", "demo": True},
    ],
)
def test_loopback_base_url_or_demo_need_no_base_url(tmp_path: Path, settings: dict[str, object]) -> None:
    Settings(data_dir=tmp_path, **settings).check_base_url()  # type: ignore[arg-type]


def test_cli_stops_with_one_line_when_base_url_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bangtin.cli import app

    monkeypatch.chdir(tmp_path)
    for name, value in {"BANGTIN_DATA_DIR": str(tmp_path / "var"), "BANGTIN_HOST": "0.0.0.0",
                        "BANGTIN_SECRET_KEY": "k" * 40}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BANGTIN_BASE_URL", raising=False)
    monkeypatch.delenv("BANGTIN_DEMO", raising=False)
    result = CliRunner().invoke(app, ["units", "list"])
    assert result.exit_code != 0
    assert "BANGTIN_BASE_URL" in str(result.exception)  # main() prints it as one line
