"""A real Active Directory for the tests: a Samba 4 AD domain controller serving LDAP only on 127.0.0.2.

Provisioned once into a template directory (packages installed with apt-get when missing and we are root),
started once so it generates its TLS keys, then copied into a live directory whenever a test module wants
a clean directory (a copy takes well under a second; provisioning takes several).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ["samba", "samba-ad-dc", "samba-ad-provision", "samba-dsdb-modules", "winbind", "python3-samba",
            "ldb-tools"]
HOST = "127.0.0.2"
REALM = "CORP.EXAMPLE.COM"
DOMAIN = "CORP"
BASE_DN = "DC=corp,DC=example,DC=com"
CERT_NAME = "DC1.corp.example.com"
ADMIN_DN = f"CN=Administrator,CN=Users,{BASE_DN}"
ADMIN_PASSWORD = "Samba-Admin-Pass-1"


def _pidfile(host: str) -> Path:
    return Path(tempfile.gettempdir()) / f"groupware-test-samba-{host}.pid"


class SambaUnavailable(RuntimeError):
    """Samba cannot run here; the message says why and what to install."""


def ensure_installed() -> None:
    if shutil.which("samba") and shutil.which("samba-tool"):
        return
    if os.geteuid() != 0:
        raise SambaUnavailable(
            "the AD tests need a Samba AD DC: run them as root (packages are installed automatically) or "
            "install: apt-get install -y --no-install-recommends " + " ".join(PACKAGES))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES],
                            env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600)
        result = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES],
                                env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise SambaUnavailable("installing Samba failed: " + result.stderr[-2000:])


def _write_conf(directory: Path, host: str) -> Path:
    for sub in ("run/ncalrpc", "cache", "log"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    conf = directory / "etc" / "smb.conf"
    conf.write_text(
        "[global]\n"
        "netbios name = DC1\n"
        f"realm = {REALM}\n"
        f"workgroup = {DOMAIN}\n"
        "server role = active directory domain controller\n"
        "server services = ldap\n"
        f"interfaces = {host}/8\n"
        "bind interfaces only = yes\n"
        "ldb:nosync = true\n"
        "idmap_ldb:use rfc2307 = yes\n"
        f"private dir = {directory}/private\n"
        f"state directory = {directory}/state\n"
        f"lock directory = {directory}\n"
        f"cache directory = {directory}/cache\n"
        f"binddns dir = {directory}/bind-dns\n"
        f"pid directory = {directory}/run\n"
        f"ncalrpc dir = {directory}/run/ncalrpc\n"
        f"winbindd socket directory = {directory}/run/winbindd\n"
        f"log file = {directory}/log/samba.log\n"
    )
    return conf


def _copy(src: Path, dst: Path) -> None:
    """Copy a DC directory, leaving out the sockets a running Samba leaves behind."""
    def sockets(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if stat.S_ISSOCK(os.lstat(os.path.join(folder, n)).st_mode)]

    shutil.copytree(src, dst, symlinks=True, ignore=sockets)


def _stop_leftover(host: str) -> None:
    """A test run that died without its teardown leaves its DC running: stop it."""
    try:
        pid = int(_pidfile(host).read_text())
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        return
    deadline = time.monotonic() + 10
    while _port_open(636, host) and time.monotonic() < deadline:
        time.sleep(0.1)


def _port_open(port: int, host: str = HOST) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


@dataclass
class SambaDC:
    """One domain controller; `reset()` replaces its database with the freshly provisioned one."""

    root: Path
    host: str = HOST
    process: subprocess.Popen[bytes] | None = None

    @property
    def template(self) -> Path:
        return self.root / "template"

    @property
    def live(self) -> Path:
        return self.root / "live"

    @property
    def ca_certificate(self) -> str:
        return (self.live / "private" / "tls" / "ca.pem").read_text()

    def provision(self) -> None:
        ensure_installed()
        _stop_leftover(self.host)
        if _port_open(636, self.host):
            raise RuntimeError(f"something else already listens on {self.host}:636; stop it to run the AD tests")
        result = subprocess.run(
            ["samba-tool", "domain", "provision", f"--targetdir={self.template}", f"--realm={REALM}",
             f"--domain={DOMAIN}", "--server-role=dc", "--dns-backend=NONE", "--use-rfc2307",
             "--backend-store=mdb", "--host-name=dc1", f"--adminpass={ADMIN_PASSWORD}"],
            capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise SambaUnavailable("samba-tool domain provision failed: " + result.stderr[-2000:])
        # The first start generates the TLS keys; keep them in the template so every copy has the same CA.
        _copy(self.template, self.live)
        self.start()
        self.stop()
        shutil.rmtree(self.template)
        _copy(self.live, self.template)

    def start(self) -> None:
        conf = _write_conf(self.live, self.host)
        log = (self.live / "log" / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            ["samba", "-F", "--no-process-group", "-M", "single", "-s", str(conf)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _pidfile(self.host).write_text(str(self.process.pid))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SambaUnavailable(f"samba exited with {self.process.returncode}; see {self.live}/log")
            if _port_open(636, self.host) and (self.live / "private" / "tls" / "ca.pem").exists():
                return
            time.sleep(0.1)
        raise SambaUnavailable("samba did not answer on 636 within 60 s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        _pidfile(self.host).unlink(missing_ok=True)
        deadline = time.monotonic() + 10
        while _port_open(636, self.host) and time.monotonic() < deadline:
            time.sleep(0.05)

    def reset(self) -> None:
        """A clean directory: stop, copy the template over the live database, start."""
        self.stop()
        shutil.rmtree(self.live, ignore_errors=True)
        _copy(self.template, self.live)
        self.start()
