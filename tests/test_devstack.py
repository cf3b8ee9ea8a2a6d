"""`make run`'s runner: clear messages for busy ports, a full start/stop cycle, and data kept across runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from portal.devstack.services import EmbeddedRedis, ServiceError, free_port

ROOT = Path(__file__).resolve().parents[1]


def test_busy_port_gives_a_clear_message(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(ServiceError) as info:
            EmbeddedRedis.create(tmp_path, port).start()
    assert f"port {port}" in str(info.value) and "GW_EMBEDDED_REDIS_PORT" in str(info.value)


def _runner_env(data_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GW_")}
    env.update({
        "GW_DATA_DIR": str(data_dir),
        "GW_HTTP_PORT": str(ports["http"]),
        "GW_EMBEDDED_POSTGRES_PORT": str(ports["pg"]),
        "GW_EMBEDDED_REDIS_PORT": str(ports["redis"]),
        "GW_EMBEDDED_TEMPORAL_PORT": str(ports["temporal"]),
        "GW_EMBEDDED_TEMPORAL_UI_PORT": str(ports["ui"]),
        "GW_EMBEDDED_SMTP_PORT": str(ports["smtp"]),
        "GW_BCRYPT_ROUNDS": "4",
        "GW_DEMO_DATA": "false",  # these tests check the runner itself; tests/test_demo.py covers the demo
    })
    return env


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "portal.devstack", "run"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def _wait_ready(proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "Press Ctrl-C" in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    raise AssertionError(f"runner did not become ready:\n{log.read_text(errors='replace')}")


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGINT)
    return proc.wait(90)


@pytest.mark.slow
def test_run_starts_everything_stops_everything_and_keeps_data(tmp_path):
    ports = {name: free_port() for name in ("http", "pg", "redis", "temporal", "ui", "smtp")}
    env, log = _runner_env(tmp_path / "data", ports), tmp_path / "run.log"
    base = f"http://127.0.0.1:{ports['http']}/api/v1"
    proc = _start(env, log)
    try:
        _wait_ready(proc, log)
        ready = httpx.get(f"{base}/health/ready", timeout=10)
        assert ready.status_code == 200, ready.text
        token = httpx.post(f"{base}/auth/login", json={"username": "admin", "password": "Groupware1234!"},
                           timeout=10).json()["data"]["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"{base}/admin/organizations", json={"name": "지속성 확인"}, headers=headers, timeout=10)
        assert created.status_code == 201
        check = httpx.post(f"{base}/admin/system/worker-check", headers=headers, timeout=30)
        assert check.status_code == 200, check.text
        assert httpx.get(f"http://127.0.0.1:{ports['ui']}/", timeout=10).status_code == 200
    finally:
        code = _stop(proc)
    assert code == 0, log.read_text(errors="replace")
    for port in ports.values():
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after stop"

    proc = _start(env, tmp_path / "run2.log")
    try:
        _wait_ready(proc, tmp_path / "run2.log")
        token = httpx.post(f"{base}/auth/login", json={"username": "admin", "password": "Groupware1234!"},
                           timeout=10).json()["data"]["access_token"]
        tree = httpx.get(f"{base}/admin/organizations", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert [d["name"] for d in tree.json()["data"]] == ["지속성 확인"]
    finally:
        assert _stop(proc) == 0


def test_a_busy_api_port_stops_the_runner_with_a_message(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        ports = {name: free_port() for name in ("pg", "redis", "temporal", "ui", "smtp")}
        ports["http"] = holder.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "portal.devstack", "run"], cwd=ROOT,
                                env=_runner_env(tmp_path / "data", ports), capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 2
    assert f"port {ports['http']}" in result.stdout and "GW_HTTP_PORT" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
