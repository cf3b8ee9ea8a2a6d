"""The stack a benchmark runs against: throwaway PostgreSQL and Redis, and the apps uvicorn serves from them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Bench-Admin-Pass-1"
BARE_PATH = "/bench/bare"
BARE_BODY: dict[str, Any] = {"status": "ok", "service": "groupware", "version": 1}

# Identical for every server a benchmark compares; one worker process (uvicorn's default), loop and HTTP
# parser left on "auto" as in production, so uvloop and httptools are used when installed.
UVICORN_FLAGS = ["--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]


async def _bare() -> dict[str, Any]:
    return BARE_BODY


def add_bare_route(app: FastAPI) -> None:
    """`GET /bench/bare`, routed after every API route (so routing cost is not in its favour) but before
    the SPA catch-all, if the built frontend added one."""
    app.add_api_route(BARE_PATH, _bare, methods=["GET"], include_in_schema=False)
    routes = app.router.routes
    route = routes.pop()
    catch_all = next((i for i, r in enumerate(routes) if getattr(r, "path", None) == "/{path:path}"), len(routes))
    routes.insert(catch_all, route)


def api_app_factory() -> FastAPI:
    """The API exactly as `api.main:app_factory` builds it (settings, logging, middleware), plus `/bench/bare`."""
    from api.main import app_factory

    app = app_factory()
    add_bare_route(app)
    return app


def pure_app_factory() -> FastAPI:
    """A FastAPI app with nothing but `/bench/bare`: no middleware, no lifespan, no other routes."""
    app = FastAPI()
    add_bare_route(app)
    return app


class StackError(RuntimeError):
    """A service or server could not start; the message is meant for a person."""


@dataclass
class Stack:
    root: Path
    database_url: str
    redis_url: str
    temporal_address: str
    servers: list[Server] = field(default_factory=list)

    def server_env(self, log_level: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GW_")}  # a developer's GW_* stays out
        env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            GW_ENV="test",
            GW_DATA_DIR=str(self.root / "data"),
            GW_DATABASE_URL=self.database_url,
            GW_REDIS_URL=self.redis_url,
            GW_TEMPORAL_ADDRESS=self.temporal_address,
            GW_BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD,
            GW_LOG_LEVEL=log_level,
        )
        return env

    def serve(self, name: str, factory: str, log_level: str, processes: int = 1) -> Server:
        from portal.devstack.services import free_port

        server = Server(name, factory, free_port(), self.root / f"{name}.log", processes=processes)
        self.servers.append(server)
        server.start(self.server_env(log_level), cwd=self.root)  # cwd without a .env file
        return server


@dataclass
class Server:
    """The API under uvicorn with `UVICORN_FLAGS` on 127.0.0.1: `python -m uvicorn FACTORY --factory`, or with
    `processes` > 1 that many `python -m bench._serve` processes on the same port (SO_REUSEPORT: the kernel
    spreads the connections over them, as a load balancer spreads requests over API replicas)."""

    name: str
    factory: str
    port: int
    log: Path
    processes: int = 1
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def proc(self) -> subprocess.Popen[bytes] | None:
        return self.procs[0] if self.procs else None

    @property
    def pids(self) -> set[int]:
        return {p.pid for p in self.procs}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def args(self) -> list[str]:
        if self.processes > 1:
            return [sys.executable, "-m", "bench._serve", self.factory, str(self.port)]
        return [sys.executable, "-m", "uvicorn", self.factory, "--factory", *UVICORN_FLAGS, "--port", str(self.port)]

    def start(self, env: dict[str, str], cwd: Path) -> None:
        from portal.devstack.services import ServiceError, wait_for_port

        with open(self.log, "ab") as out:
            for _ in range(self.processes):
                self.procs.append(subprocess.Popen(
                    self.args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True,
                ))
        try:  # uvicorn listens only after the lifespan has opened the engine and Redis
            for proc in self.procs:
                wait_for_port(self.port, proc, f"uvicorn ({self.name})", self.log, timeout=60)
            self._wait_until_all_listen(timeout=60)
        except ServiceError as exc:
            raise StackError(str(exc)) from exc

    def _wait_until_all_listen(self, timeout: float) -> None:
        import time

        import psutil

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listening = 0
            for proc in self.procs:
                if proc.poll() is not None:
                    raise StackError(f"uvicorn ({self.name}) exited with code {proc.returncode}; see {self.log}")
                conns = psutil.Process(proc.pid).net_connections(kind="tcp")
                listening += any(c.status == psutil.CONN_LISTEN and c.laddr.port == self.port for c in conns)
            if listening == len(self.procs):
                return
            time.sleep(0.1)
        raise StackError(f"not every uvicorn ({self.name}) process listens on {self.port}; see {self.log}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@contextmanager
def stack() -> Iterator[Stack]:
    """PostgreSQL and Redis on free ports in a temporary directory, migrated and bootstrapped; all of it,
    and every server started through it, is stopped and deleted on exit. Temporal is not started: the
    benchmarked endpoints never reach it (it only matters to /health/ready and the approval routes)."""
    from portal.devstack.services import EmbeddedPostgres, EmbeddedRedis, ServiceError, free_port
    from portal.manage import init
    from portal.settings import Settings

    root = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    services: list[Any] = []
    built: Stack | None = None
    try:
        pg = EmbeddedPostgres.create(root / "postgres", free_port())
        services.append(pg)
        redis = EmbeddedRedis.create(root / "redis", free_port(), persistent=False)
        services.append(redis)
        try:
            pg.start()
            redis.start()
        except ServiceError as exc:
            raise StackError(str(exc)) from exc
        built = Stack(root, pg.url(), redis.url(), f"127.0.0.1:{free_port()}")
        settings = Settings(
            _env_file=None, env="test", database_url=built.database_url, redis_url=built.redis_url,
            temporal_address=built.temporal_address, bootstrap_admin_password=ADMIN_PASSWORD, bcrypt_rounds=4,
            log_level="WARNING",
        )
        init(settings)  # migrations and the bootstrap admin, as `python -m portal.manage init` does
        yield built
    finally:
        for server in reversed(built.servers if built else []):
            server.stop()
        for service in reversed(services):
            try:
                service.stop()
            except Exception as exc:  # keep stopping the rest whatever happens
                print(f"could not stop {service.name}: {exc}", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
