"""Benchmark of `GET /api/v1/users/me` against a bare FastAPI endpoint served side by side by the same uvicorn."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

if __package__ in (None, ""):  # run as `python bench/api_baseline.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._stack import (  # noqa: E402
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    BARE_PATH,
    UVICORN_FLAGS,
    Server,
    StackError,
    stack,
)

ME_PATH = "/api/v1/users/me"
TARGET_RATIO = 0.40
TARGET_P95_MS = 50.0

WRK_SCRIPT = """
local auth = os.getenv("BENCH_AUTHORIZATION")
if auth ~= nil and auth ~= "" then wrk.headers["Authorization"] = auth end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %d %d %.1f %.1f %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Target:
    label: str
    server: Server
    path: str
    headers: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.base_url + self.path


@dataclass(frozen=True)
class Result:
    requests: int  # successful (200) responses within the measured window
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Loader:
    """Runs one fixed-duration, fixed-concurrency measurement against a URL."""

    name = ""

    def measure(self, target: Target, concurrency: int, warmup: float, duration: float) -> Result:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the loader holds (an event loop for the Python ones)."""


class WrkLoader(Loader):
    def __init__(self, binary: str, threads: int, workdir: Path) -> None:
        self.binary = binary
        self.threads = threads
        self.script = workdir / "bench.lua"
        self.script.write_text(WRK_SCRIPT)
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
        self.name = f"{(version.split('[')[0].strip() or 'wrk')} ({threads} thread{'s' * (threads > 1)})"

    def _run(self, target: Target, concurrency: int, seconds: float) -> Result:
        env = {**os.environ, "BENCH_AUTHORIZATION": target.headers.get("Authorization", "")}
        args = [self.binary, "-t", str(min(self.threads, concurrency)), "-c", str(concurrency),
                "-d", f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(self.script), target.url]
        out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=seconds + 30, check=False)
        line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no result (exit {out.returncode}): {out.stderr.strip() or out.stdout}")
        total, micros, p50, p95, bad_status, io_errors = (float(x) for x in line.split()[1:])
        # `requests` counts every response, non-2xx/3xx ones too; socket errors and timeouts are not responses
        return Result(int(total - bad_status), int(bad_status + io_errors), micros / 1e6, p50 / 1e3, p95 / 1e3)

    def measure(self, target: Target, concurrency: int, warmup: float, duration: float) -> Result:
        if warmup > 0:
            self._run(target, concurrency, warmup)
        return self._run(target, concurrency, duration)


class HttpxLoader(Loader):
    """httpx.AsyncClient, a pool of `concurrency` connections, one task per connection (uvloop if present).
    Only on request: it saturates itself long before the server (see docs/benchmarks.md)."""

    def __init__(self) -> None:
        self.runner = _runner()
        self.name = f"httpx {httpx.__version__} on {_loop_name()} (Python, same CPUs; the client is the bottleneck)"

    def close(self) -> None:
        self.runner.close()

    def measure(self, target: Target, concurrency: int, warmup: float, duration: float) -> Result:
        return self.runner.run(self._measure(target, concurrency, warmup, duration))

    async def _measure(self, target: Target, concurrency: int, warmup: float, duration: float) -> Result:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=10, headers=target.headers) as client:
            if warmup > 0:
                await self._phase(client, target.url, concurrency, warmup)
            return await self._phase(client, target.url, concurrency, duration)

    @staticmethod
    async def _phase(client: httpx.AsyncClient, url: str, concurrency: int, seconds: float) -> Result:
        latencies: list[float] = []
        errors = 0
        start = time.perf_counter()
        deadline = start + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    ok = (await client.get(url)).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        latencies.sort()
        return Result(len(latencies), errors, elapsed, _percentile(latencies, 50) * 1e3,
                      _percentile(latencies, 95) * 1e3)


class RawLoader(Loader):
    """Plain asyncio streams speaking keep-alive HTTP/1.1, one task per connection (uvloop if present): a lean
    Python client, since httpx tops out at a few hundred requests/s here and would measure itself."""

    def __init__(self) -> None:
        self.runner = _runner()
        self.name = f"asyncio streams on {_loop_name()} (Python, same CPUs)"

    def close(self) -> None:
        self.runner.close()

    def measure(self, target: Target, concurrency: int, warmup: float, duration: float) -> Result:
        return self.runner.run(self._measure(target, concurrency, warmup, duration))

    async def _measure(self, target: Target, concurrency: int, warmup: float, duration: float) -> Result:
        host, port = "127.0.0.1", target.server.port
        lines = [f"GET {target.path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
        lines += [f"{k}: {v}" for k, v in target.headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        conns = [await asyncio.open_connection(host, port) for _ in range(concurrency)]
        try:
            if warmup > 0:
                await self._phase(conns, request, warmup)
            return await self._phase(conns, request, duration)
        finally:
            for _, writer in conns:
                writer.close()

    @staticmethod
    async def _phase(
        conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]], request: bytes, seconds: float
    ) -> Result:
        latencies: list[float] = []
        errors = 0
        start = time.perf_counter()
        deadline = start + seconds

        async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                writer.write(request)
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = next(
                        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                         if line.lower().startswith(b"content-length:")),
                        None,
                    )
                    if length is None:
                        raise RuntimeError("response without Content-Length; use --client wrk")
                    await reader.readexactly(length)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    errors += 1
                    return  # the connection is gone; the others go on
                if head.startswith(b"HTTP/1.1 200 "):
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(worker(r, w) for r, w in conns))
        elapsed = time.perf_counter() - start
        latencies.sort()
        return Result(len(latencies), errors, elapsed, _percentile(latencies, 50) * 1e3,
                      _percentile(latencies, 95) * 1e3)


def _runner() -> asyncio.Runner:
    try:
        import uvloop
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def _loop_name() -> str:
    return "uvloop" if _importable("uvloop") else "asyncio"


def _percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending sequence (0 when empty)."""
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(pct / 100 * len(sorted_values)) - 1))]


def _loader(choice: str, wrk_threads: int, workdir: Path) -> Loader:
    wrk = shutil.which("wrk")
    if choice == "wrk" and not wrk:
        raise SystemExit("--client wrk: wrk is not installed (Debian: apt-get install -y wrk)")
    if wrk and choice in ("auto", "wrk"):
        return WrkLoader(wrk, wrk_threads, workdir)
    return HttpxLoader() if choice == "httpx" else RawLoader()


def _login(server: Server) -> str:
    r = httpx.post(f"{server.base_url}/api/v1/auth/login", json={"username": ADMIN_USERNAME,
                                                                  "password": ADMIN_PASSWORD}, timeout=30)
    if r.status_code != 200:
        raise StackError(f"login failed: HTTP {r.status_code} {r.text[:300]}")
    token: str = r.json()["data"]["access_token"]
    return token


def _check(target: Target) -> None:
    r = httpx.get(target.url, headers=target.headers, timeout=30)
    if r.status_code != 200:
        raise StackError(f"{target.label}: HTTP {r.status_code} {r.text[:300]}")


def _cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "")
    except OSError:
        model = ""
    return model or platform.processor() or "unknown CPU"


def _server_stack(processes: int = 1) -> str:
    import uvicorn

    extras = [name for name in ("uvloop", "httptools") if _importable(name)]
    shape = "1 process" if processes == 1 else f"{processes} processes on one port (SO_REUSEPORT)"
    return f"uvicorn {uvicorn.__version__} ({', '.join(extras) or 'asyncio, h11'}), {shape}"


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


class CpuMeter:
    """How much CPU this run (we, our servers, databases and wrk) and everything else used between two marks."""

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK")
        self.start = self._sample()

    def _sample(self) -> tuple[float, float, float]:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / self.tick  # all but idle and iowait
        t = os.times()
        ours = t.user + t.system + t.children_user + t.children_system + self._descendants()
        return time.monotonic(), busy, ours

    def _descendants(self) -> float:
        stats: dict[int, tuple[int, float]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), sum(int(x) for x in fields[11:15]) / self.tick)
        total, frontier = 0.0, [os.getpid()]
        while frontier:
            parent = frontier.pop()
            for pid, (ppid, cpu) in stats.items():
                if ppid == parent:
                    total += cpu
                    frontier.append(pid)
        return total

    def foreign_share(self) -> float:
        """CPU used by processes that are not part of this run, as a share of all CPUs over the interval."""
        (t0, busy0, ours0), (t1, busy1, ours1) = self.start, self._sample()
        capacity = (t1 - t0) * (os.cpu_count() or 1)
        return max(0.0, (busy1 - busy0) - (ours1 - ours0)) / capacity if capacity else 0.0


def _profile(target: Target, loader: Loader, args: argparse.Namespace, out_dir: Path) -> Path | None:
    """One extra, uncounted measurement of `target` while py-spy samples its server (only stacks holding the GIL,
    i.e. Python at work); raw collapsed stacks."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    py_spy = shutil.which("py-spy", path=search)
    if py_spy is None or target.server.proc is None:
        print("--profile: py-spy not found (.venv/bin/pip install py-spy); skipped", file=sys.stderr)
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    name = target.label.split()[1].strip("/").replace("/", "_")
    raw = out_dir / f"{name}.txt"
    seconds = max(1, round(args.duration))
    spy = subprocess.Popen(
        [py_spy, "record", "--pid", str(target.server.proc.pid), "--duration", str(seconds + 1), "--rate", "250",
         "--nonblocking", "--gil", "--format", "raw", "--output", str(raw)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        loader.measure(target, args.concurrency, 0.5, seconds)
    finally:
        try:
            spy.wait(seconds + 30)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.wait(5)
    return raw if raw.exists() else None


def _profile_summary(raw: Path, top: int = 8) -> list[str]:
    """Share of samples by self time (library hot spots) and by inclusive time of our own code (api/, portal/)."""
    own: dict[str, int] = {}
    leaf: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_frame(f) for f in stack.split(";")]
        leaf[frames[-1][0]] = leaf.get(frames[-1][0], 0) + n
        for key in dict.fromkeys(k for k, first_party in frames if first_party):
            own[key] = own.get(key, 0) + n
    if not total:
        return []
    lines = ["self time:"]
    lines += [f"  {100 * n / total:5.1f}%  {k}" for k, n in sorted(leaf.items(), key=lambda kv: -kv[1])[:top]]
    lines.append("inclusive, our code:")
    lines += [f"  {100 * n / total:5.1f}%  {k}" for k, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]]
    return lines


def _frame(frame: str) -> tuple[str, bool]:
    """`function (path:line)` as `function (path)` (py-spy shortens paths to the importable module path), and
    whether it is the project's own code."""
    function, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    return f"{function} ({path})", path.startswith(("api/", "portal/"))


def _row(label: str, results: list[Result]) -> str:
    rps = statistics.median(r.rps for r in results)
    p50 = statistics.median(r.p50_ms for r in results)
    p95 = statistics.median(r.p95_ms for r in results)
    errors = sum(r.errors for r in results)
    return f"{label:<36} {rps:>9.0f} {p50:>9.2f} {p95:>9.2f} {errors:>7}"


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="gw-bench-load-"))
    loader: Loader | None = None
    try:
        loader = _loader(args.client, args.wrk_threads, workdir)
        started = time.monotonic()
        print("starting PostgreSQL and Redis, migrating, bootstrapping ...", flush=True)
        with stack() as services:
            api = services.serve("api", "bench._stack:api_app_factory", args.log_level)
            token = _login(api)
            targets = [
                Target(f"GET {BARE_PATH} (same app)", api, BARE_PATH, {}),
                Target(f"GET {ME_PATH}", api, ME_PATH, {"Authorization": f"Bearer {token}"}),
            ]
            if args.pure:
                pure = services.serve("pure", "bench._stack:pure_app_factory", args.log_level)
                targets.append(Target(f"GET {BARE_PATH} (pure FastAPI)", pure, BARE_PATH, {}))
            for target in targets:
                _check(target)
            print(f"services up in {time.monotonic() - started:.1f}s; warming up ...", flush=True)
            for target in targets:  # fills the cached user view, the connection pools and lazy imports
                loader.measure(target, args.concurrency, 0, max(1.0, args.warmup * 2))

            results: dict[str, list[Result]] = {t.label: [] for t in targets}
            meter = CpuMeter()
            for n in range(1, args.rounds + 1):
                for target in targets:
                    result = loader.measure(target, args.concurrency, args.warmup, args.duration)
                    results[target.label].append(result)
                    print(f"  round {n}/{args.rounds}  {target.label:<36} {result.rps:>8.0f} req/s  "
                          f"p50 {result.p50_ms:6.2f} ms  p95 {result.p95_ms:6.2f} ms  errors {result.errors}",
                          flush=True)
            foreign = meter.foreign_share()

            profiles: dict[str, Path] = {}
            if args.profile:
                for target in targets[:2]:
                    raw = _profile(target, loader, args, Path(args.profile))
                    if raw:
                        profiles[target.label] = raw

        _report(args, loader, targets, results, foreign, profiles, time.monotonic() - started)
        return 0
    except StackError as exc:
        print(f"benchmark aborted: a service failed to start: {exc}", file=sys.stderr)
        return 2
    finally:
        if loader is not None:
            loader.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _report(args: argparse.Namespace, loader: Loader, targets: list[Target], results: dict[str, list[Result]],
            foreign: float, profiles: dict[str, Path], elapsed: float) -> None:
    bare, me = targets[0].label, targets[1].label
    bare_rps = statistics.median(r.rps for r in results[bare])
    me_rps = statistics.median(r.rps for r in results[me])
    me_p95 = statistics.median(r.p95_ms for r in results[me])
    ratio = me_rps / bare_rps if bare_rps else 0.0
    per_round = [m.rps / b.rps for m, b in zip(results[me], results[bare], strict=True) if b.rps]

    print()
    print(f"API baseline: {args.rounds} rounds x {args.duration:g}s (+{args.warmup:g}s warm-up each), "
          f"{args.concurrency} concurrent connections, alternating endpoints; medians over rounds")
    print(f"machine:   {os.cpu_count()} CPUs, {_cpu_model()}, Python {platform.python_version()}")
    print(f"server:    {_server_stack()}, flags: {' '.join(UVICORN_FLAGS)}, GW_LOG_LEVEL={args.log_level}")
    print(f"load:      {loader.name}, on the same machine")
    print(f"other processes used {foreign:.0%} of the CPUs during the measurements"
          + ("  <-- WARNING: a busy machine; rerun when it is quiet" if foreign > 0.05 else ""))
    print()
    print(f"{'endpoint':<36} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'errors':>7}")
    for target in targets:
        print(_row(target.label, results[target.label]))
    print()
    ratio_ok = ratio >= TARGET_RATIO
    p95_ok = me_p95 < TARGET_P95_MS
    print(f"users/me throughput / bare (same app): {ratio:.1%}  (per round: "
          f"{', '.join(f'{r:.1%}' for r in per_round)}; target >= {TARGET_RATIO:.0%}: "
          f"{'met' if ratio_ok else 'NOT met'})")
    if args.pure:
        pure_rps = statistics.median(r.rps for r in results[targets[2].label])
        print(f"users/me throughput / pure FastAPI:   {me_rps / pure_rps:.1%}  (reference only)"
              if pure_rps else "pure FastAPI: no successful requests")
    print(f"users/me p95: {me_p95:.2f} ms  (target < {TARGET_P95_MS:.0f} ms: {'met' if p95_ok else 'NOT met'})")
    for label, raw in profiles.items():
        print(f"\nprofile of {label} (py-spy, share of the server's samples holding the GIL; {raw}):")
        for line in _profile_summary(raw):
            print(f"  {line}")
    print(f"\ntotal time {elapsed:.0f}s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/api_baseline.py",
        description="GET /api/v1/users/me vs a bare endpoint in the same app, same uvicorn, same run.",
    )
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per endpoint and round")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each measurement")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent connections (and clients)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    parser.add_argument("--client", choices=["auto", "wrk", "python", "httpx"], default="auto",
                        help="load generator: wrk when installed, else a lean asyncio client (auto); httpx is "
                        "only for comparison, it cannot saturate the server")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (1 leaves a core to the server)")
    parser.add_argument("--log-level", default="WARNING", help="GW_LOG_LEVEL of the server (INFO logs each request)")
    parser.add_argument("--no-pure", dest="pure", action="store_false",
                        help="skip the reference run of a pure FastAPI app without our middleware")
    parser.add_argument("--profile", metavar="DIR", help="afterwards, py-spy each endpoint once into DIR (uncounted)")
    args = parser.parse_args(argv)
    if not (0.5 <= args.duration <= 120 and 0 <= args.warmup <= 30 and 1 <= args.concurrency <= 1024
            and 1 <= args.rounds <= 20 and 1 <= args.wrk_threads <= 64):
        parser.error("out of bounds: 0.5<=duration<=120, 0<=warmup<=30, 1<=concurrency<=1024, 1<=rounds<=20")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop and delete everything we started
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
