"""End-to-end harness: the real stack (API serving the built portal, worker, PostgreSQL, Redis, Temporal,
SMTP) on free ports, loaded with the demo company, driven by Debian's Chromium through Playwright.

Browser downloads do not work here, so Playwright drives /usr/bin/chromium (installed with apt-get when it
is missing and we are root). The frontend is built when frontend/dist is missing or older than its sources.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from portal.devstack.services import EmbeddedRedis, free_port
from tests.conftest import ADMIN_PASSWORD, TestServices, make_settings

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
NANUM = Path("/usr/share/fonts/truetype/nanum")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
# Inputs of the frontend build: dist is stale when any of them is newer than dist/index.html.
BUILD_INPUTS = ["src", "index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json",
                "tailwind.config.js", "postcss.config.js", "public"]


# --- the browser and the frontend build ------------------------------------------------------------------

def _apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=env,
                   capture_output=True, timeout=1200)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    missing = [pkg for pkg, path in (("chromium", CHROMIUM), ("fonts-nanum", NANUM)) if not path.exists()]
    if missing:
        if os.geteuid() != 0:
            pytest.skip(f"end-to-end tests need Debian's {' and '.join(missing)}: run `apt-get install -y "
                        f"{' '.join(missing)}` as root (the tests install them themselves when run as root)")
        _apt_install(missing)
    return str(CHROMIUM)


def _newest_input() -> float:
    newest = 0.0
    for name in BUILD_INPUTS:
        path = FRONTEND / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for file in path.rglob("*"):
                if file.is_file():
                    newest = max(newest, file.stat().st_mtime)
    return newest


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    if not (FRONTEND / "package.json").exists():
        pytest.skip("frontend/ holds no app yet")
    if shutil.which("npm") is None:
        pytest.skip("end-to-end tests need Node.js and npm to build the frontend")
    index = FRONTEND / "dist" / "index.html"
    if index.exists() and index.stat().st_mtime >= _newest_input():
        return index.parent
    lock_marker = FRONTEND / "node_modules" / ".package-lock.json"
    if not lock_marker.exists() or lock_marker.stat().st_mtime < (FRONTEND / "package-lock.json").stat().st_mtime:
        _npm(["ci", "--no-audit", "--no-fund"])
    _npm(["run", "build"])
    return index.parent


def _npm(args: list[str]) -> None:
    done = subprocess.run(["npm", *args], cwd=FRONTEND, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"npm {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


# --- the stack -------------------------------------------------------------------------------------------

@dataclass
class E2EStack:
    base_url: str
    maildir: Path
    logs: Path
    temporal_ui_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


class _Child:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def _wait_http(url: str, child: _Child, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.proc.poll() is not None:
            raise RuntimeError(f"{child.name} exited:\n{child.log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{child.name} did not answer at {url}:\n{child.log.read_text(errors='replace')[-4000:]}")


@pytest.fixture(scope="module")
def e2e_stack(services: TestServices, template_db: str, frontend_dist: Path) -> Iterator[E2EStack]:
    """API (uvicorn, serving frontend/dist) and worker as child processes on a database of their own with
    the demo company loaded; Redis of its own too, so other tests flushing theirs never log us out."""
    database = f"gw_e2e_{os.getpid()}"
    with psycopg.connect(services.pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template_db}"')
    root = services.root / "e2e"
    logs = root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    redis = EmbeddedRedis.create(root / "redis", free_port(), persistent=False)
    redis.start()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = make_settings(services, database, redis_url=redis.url(), public_base_url=base_url,
                             temporal_ui_url="http://127.0.0.1:8233")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GW_")}
    env.update({
        "GW_ENV": "test",
        "GW_DATABASE_URL": settings.effective_database_url,
        "GW_REDIS_URL": settings.effective_redis_url,
        "GW_TEMPORAL_ADDRESS": settings.effective_temporal_address,
        "GW_TEMPORAL_PREFIX": settings.temporal_prefix,
        "GW_TEMPORAL_UI_URL": settings.temporal_ui_url,
        "GW_SMTP_HOST": "127.0.0.1",
        "GW_SMTP_PORT": str(services.smtp_port),
        "GW_PUBLIC_BASE_URL": base_url,
        "GW_CORS_ORIGINS": base_url,
        "GW_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "GW_BCRYPT_ROUNDS": "4",
        "GW_DATA_DIR": str(root / "data"),
        "GW_LOGIN_RATE_PER_IP": "1000",  # every browser context logs in from 127.0.0.1
        "GW_LOG_JSON": "true",
        "GW_DEMO_DATA": "true",
    })
    children: list[_Child] = []
    try:
        worker = _Child("worker", [sys.executable, "-m", "temporal.worker"], env, logs / "worker.log")
        children.append(worker)
        api = _Child("API", [sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory", "--host",
                             "127.0.0.1", "--port", str(port), "--no-access-log"], env, logs / "api.log")
        children.append(api)
        _wait_http(f"{base_url}/api/v1/health", api)
        demo = subprocess.run([sys.executable, "-m", "portal.manage", "demo"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        yield E2EStack(base_url=base_url, maildir=services.maildir, logs=logs,
                       temporal_ui_url=settings.temporal_ui_url)
    finally:
        for child in reversed(children):
            child.stop()
        redis.stop()
        with psycopg.connect(services.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


LOG_TAIL_LINES = 80


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test's report ends with the last lines the stack's API and worker logged: the stack and
    its log directory are gone once the session ends, and a timeout in the browser rarely says why."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    stack = getattr(item, "funcargs", {}).get("e2e_stack")
    if report.when != "call" or not report.failed or not isinstance(stack, E2EStack):
        return
    for name in ("api.log", "worker.log"):
        path = stack.logs / name
        if path.exists():
            tail = path.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
            report.sections.append((f"e2e stack: last {len(tail)} lines of {name}", "\n".join(tail)))


# --- the browser ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(chromium_path: str, e2e_stack: E2EStack) -> Iterator[Any]:
    # After the stack: Playwright's sync API keeps an event loop running in this thread while it is open, and
    # the stack's fixtures (template_db) use asyncio.run. Module scope closes it before any other module's
    # asyncio tests run; tests/conftest.py also orders the browser tests last.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


ContextFactory = Callable[..., Any]


@pytest.fixture
def new_context(browser: Any, e2e_stack: E2EStack) -> Iterator[ContextFactory]:
    """A fresh browser profile per call (one per person in a test); closed after the test."""
    made: list[Any] = []

    def factory(locale: str = "ko-KR") -> Any:
        context = browser.new_context(base_url=e2e_stack.base_url, locale=locale, timezone_id="Asia/Seoul",
                                      viewport={"width": 1440, "height": 900})
        context.set_default_timeout(20_000)
        made.append(context)
        return context

    yield factory
    for context in made:
        context.close()


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot of the key screen `name` into docs/screenshots/ (shown in the README)."""
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
