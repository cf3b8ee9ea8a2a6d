"""`make run`: start every embedded service that is not configured as external, migrate, bootstrap, then
run the API and the Temporal worker until Ctrl-C, which stops everything this runner started."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from portal.devstack.services import (
    EmbeddedPostgres,
    EmbeddedRedis,
    ServiceError,
    SmtpCatcher,
    TemporalDevServer,
    port_in_use,
    wait_for_port,
)
from portal.settings import Settings


def _say(text: str) -> None:
    print(text, flush=True)


class Stack:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data = settings.data_dir.resolve()
        self.started: list[Any] = []
        self.env: dict[str, str] = {}
        self.lines: list[tuple[str, str]] = []

    def start_services(self) -> None:
        s = self.settings
        self.data.mkdir(parents=True, exist_ok=True)
        if port_in_use(s.http_port, s.http_host if s.http_host != "0.0.0.0" else "127.0.0.1"):
            raise ServiceError(f"port {s.http_port} for the API is already in use: set GW_HTTP_PORT to another port")
        if s.database_url:
            self.lines.append(("PostgreSQL", "external (GW_DATABASE_URL)"))
        else:
            pg = EmbeddedPostgres.create(self.data / "postgres", s.embedded_postgres_port)
            self._start(pg)
            self.env["GW_DATABASE_URL"] = pg.url()
            self.lines.append(("PostgreSQL", f"127.0.0.1:{pg.port} (data in {pg.data_dir})"))
        if s.redis_url:
            self.lines.append(("Redis", "external (GW_REDIS_URL)"))
        else:
            redis = EmbeddedRedis.create(self.data / "redis", s.embedded_redis_port)
            self._start(redis)
            self.env["GW_REDIS_URL"] = redis.url()
            self.lines.append(("Redis", redis.url()))
        if s.temporal_address:
            self.lines.append(("Temporal", f"external {s.temporal_address}"))
        else:
            temporal = TemporalDevServer.create(
                self.data, s.embedded_temporal_port, s.embedded_temporal_ui_port,
                db_file=self.data / "temporal" / "temporal.sqlite",
            )
            self._start(temporal)
            self.env["GW_TEMPORAL_ADDRESS"] = temporal.address
            self.env["GW_TEMPORAL_UI_URL"] = f"http://localhost:{temporal.ui_port}"
            self.lines.append(("Temporal", f"{temporal.address} (namespace {s.temporal_namespace})"))
            self.lines.append(("Temporal Web UI", f"http://localhost:{temporal.ui_port}"))
        if s.smtp_host:
            self.lines.append(("SMTP", f"external {s.smtp_host}:{s.smtp_port}"))
        else:
            smtp = SmtpCatcher.create(self.data, s.embedded_smtp_port)
            self._start(smtp)
            self.env["GW_SMTP_HOST"], self.env["GW_SMTP_PORT"] = "127.0.0.1", str(smtp.port)
            self.lines.append(("SMTP catcher", f"127.0.0.1:{smtp.port} (mail saved in {smtp.maildir})"))

    def _start(self, service: Any) -> None:
        _say(f"  starting {service.name} ...")
        service.start()
        self.started.append(service)

    def child_env(self) -> dict[str, str]:
        return {**os.environ, **self.env, "GW_DATA_DIR": str(self.data)}

    def init_database(self) -> None:
        _say("  applying migrations and bootstrap data ...")
        subprocess.run([sys.executable, "-m", "portal.manage", "init"], env=self.child_env(), check=True)

    def start_app(self) -> None:
        s = self.settings
        env = self.child_env()
        log_dir = self.data / "logs"
        log_dir.mkdir(exist_ok=True)
        worker = _Process("Temporal worker", [sys.executable, "-m", "temporal.worker"], env, log_dir / "worker.log")
        worker.start()
        self.started.append(worker)
        api = _Process(
            "API",
            [sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory", "--host", s.http_host,
             "--port", str(s.http_port), "--no-access-log"],
            env, log_dir / "api.log",
        )
        api.start()
        self.started.append(api)
        wait_for_port(s.http_port, api.proc, "API", api.log, timeout=60)  # type: ignore[arg-type]
        self.lines.insert(0, ("Portal and API", f"http://localhost:{s.http_port}  (OpenAPI: /docs)"))
        self.lines.append(("Logs", str(log_dir)))
        shown = "(GW_BOOTSTRAP_ADMIN_PASSWORD)" if s.bootstrap_admin_password else s.admin_password
        self.lines.append(("Login", f"admin / {shown}"))

    def load_demo(self) -> None:
        """The demo company (portal/demo.py), on by default in development; GW_DEMO_DATA overrides."""
        from portal.demo import enabled
        from portal.demo_data import DEMO_PASSWORD

        if not enabled(self.settings):
            return
        _say("  loading the demo company (GW_DEMO_DATA=false skips it) ...")
        subprocess.run([sys.executable, "-m", "portal.manage", "demo"], env=self.child_env(), check=True,
                       timeout=600)
        self.lines.append(("Demo users", f"e.g. seojun.lee, yujin.jung, dohyun.kim / {DEMO_PASSWORD}"))

    def stop(self) -> None:
        for service in reversed(self.started):
            _say(f"  stopping {service.name} ...")
            try:
                service.stop()
            except Exception as exc:  # keep stopping the rest whatever happens
                _say(f"  could not stop {service.name}: {exc}")
        self.started.clear()

    def watch(self) -> int:
        """Wait for Ctrl-C (0) or for a process to die on its own (1)."""
        stop = {"requested": False}

        def request_stop(*_: object) -> None:
            stop["requested"] = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stop["requested"]:
            for service in self.started:
                if service.proc is not None and service.proc.poll() is not None:
                    _say(f"\n{service.name} exited with code {service.proc.returncode}; see {service.log}")
                    return 1
            time.sleep(0.5)
        return 0


class _Process:
    """The API or the worker: a child process with its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.args, self.env, self.log = name, args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def run() -> int:
    try:
        settings = Settings()
    except ValueError as exc:
        _say(f"configuration error: {exc}")
        return 2
    stack = Stack(settings)
    _say(f"Groupware dev stack (data dir {stack.data})")
    try:
        stack.start_services()
        stack.init_database()
        stack.start_app()
        stack.load_demo()
    except (ServiceError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        _say(f"\ncannot start: {exc}")
        stack.stop()
        return 2
    except KeyboardInterrupt:
        stack.stop()
        return 130
    width = max(len(k) for k, _ in stack.lines)
    _say("\nReady:")
    for key, value in stack.lines:
        _say(f"  {key.ljust(width)}  {value}")
    _say("\nPress Ctrl-C to stop everything.")
    code = stack.watch()
    _say("\nstopping ...")
    stack.stop()
    _say("stopped; data kept for the next run.")
    return code


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.devstack")
    parser.add_argument("command", choices=["run"])
    parser.parse_args()
    sys.exit(run())


if __name__ == "__main__":
    main()
