"""Employee search and type-ahead latency over HTTP on 100,000 generated employees, against the same SQL run raw."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psutil
import psycopg
import redis

if __package__ in (None, ""):  # run as `python bench/search_latency.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _search_data as data  # noqa: E402
from bench._stack import ADMIN_PASSWORD, ADMIN_USERNAME, UVICORN_FLAGS, Server, StackError, stack  # noqa: E402
from bench.api_baseline import CpuMeter, Result, _cpu_model, _loop_name, _percentile, _runner, _server_stack  # noqa: E402
from portal.db.session import GENERIC_PLANS  # noqa: E402
from portal.search import service  # noqa: E402

AUTOCOMPLETE = "/api/v1/search/autocomplete"
EMPLOYEES = "/api/v1/search/employees"
PORTAL_TYPES = ("pending-approvals", "recent-posts", "notices", "org-chart", "my-profile")
PORTAL = "/api/v1/portal/data?types=" + ",".join(PORTAL_TYPES)
PORTAL_LIGHT = "/api/v1/portal/data?types=" + ",".join(t for t in PORTAL_TYPES if t != "org-chart")
VERSION_KEY = "search:version:employees"  # VersionedCache("search").bump("employees") increments it
AUTOCOMPLETE_LIMIT, SEARCH_LIMIT = 8, 20
TARGET_AUTOCOMPLETE_P95_MS = 20.0
TARGET_SEARCH_P95_MS = 40.0
TARGET_OVERHEAD = 3.0  # HTTP p95 at most this many times the raw query's
TARGET_PORTAL_P95_MS = 60.0
API_PROCESSES = os.cpu_count() or 1  # docker-compose.yml: one API replica per CPU (GW_API_REPLICAS)
NOISY = 0.20  # other processes' share of the CPUs above which a measurement is repeated once
HOT_QUERIES = 64  # distinct queries of the cached phase (all served from Redis)
WARMUP_QUERIES = 300  # distinct queries for warm-ups, never measured
SLOW_QUERY_S = 0.05  # a kind whose statements take longer alone is measured with the draining client
SLOW_RAW_QUERIES = 100
SLOW_PORTAL_MS = 200.0  # a portal request slower alone is measured with the draining client (or not under load)
# During a cold phase the search cache's version is bumped this often, so that a query met again when the load
# generator wraps around its list is a miss too (the 초성 list has 1,167 queries, sent at up to ~3,000 req/s).
STALE_EVERY_S = 0.2
DRAIN_S = 30.0  # how long the draining client waits for requests in flight after the measured window

WRK_SCRIPT = """
local paths, tokens, n, t = {}, {}, 0, 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  for line in io.lines(args[2]) do tokens[#tokens + 1] = line end
end
request = function()
  n = n % #paths + 1
  t = t % #tokens + 1
  return wrk.format("GET", paths[n], {["Authorization"] = "Bearer " .. tokens[t]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %d %d %.1f %.1f %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Sample(Result):
    unfinished: int = 0  # requests still open when the drain ended: counted at their age, so p50/p95 are lower bounds


@dataclass(frozen=True)
class Family:
    """One kind of search: the endpoint and its queries, split into measured, warm-up and cached sets."""

    key: str
    label: str
    endpoint: str
    cold: list[str]  # distinct queries in the order they are sent (most miss the cache)
    warmup: list[str]  # other distinct queries, for warm-ups only
    hot: list[str]  # a few queries, cached before they are measured

    @property
    def autocomplete(self) -> bool:
        return self.endpoint == AUTOCOMPLETE

    @property
    def target_ms(self) -> float:
        return TARGET_AUTOCOMPLETE_P95_MS if self.autocomplete else TARGET_SEARCH_P95_MS

    def path(self, q: str) -> str:
        limit = AUTOCOMPLETE_LIMIT if self.autocomplete else SEARCH_LIMIT
        return f"{self.endpoint}?limit={limit}&q={quote(q, safe='')}"


FAMILIES: list[tuple[str, str, str]] = [  # key, label, endpoint; pools from data.query_pools
    ("prefix", "autocomplete, name prefix (김민)", AUTOCOMPLETE),
    ("chosung", "autocomplete, 초성 (ㄱㅁ, ㅇㅅㅎ)", AUTOCOMPLETE),
    ("name", "search, name substring (민준, 김민준)", EMPLOYEES),
    ("english", "search, English name (Minjun, Minjun Kim)", EMPLOYEES),
    ("phone", "search, phone tail (5678)", EMPLOYEES),
]


@dataclass
class Measurement:
    result: Sample
    client: str  # "wrk", "python" (draining asyncio client) or "psycopg"
    foreign: float  # other processes' share of the CPUs while it ran
    cpu: dict[str, float]  # CPU seconds: api (uvicorn), db (PostgreSQL), client (this process and wrk)
    misses: int | None = None  # cache entries written (one per miss) during an HTTP measurement

    @property
    def miss_share(self) -> float | None:
        if self.misses is None or not self.result.requests:
            return None
        return min(1.0, self.misses / self.result.requests)

    def cpu_ms(self, part: str) -> float:
        """CPU milliseconds of one part per completed request."""
        return 1e3 * self.cpu.get(part, 0.0) / self.result.requests if self.result.requests else 0.0


@dataclass
class FamilyResult:
    family: Family
    slow: bool
    idle_raw: Sample
    idle_http: Sample
    raw: Measurement
    cold: Measurement
    cached: Measurement


@dataclass
class PortalResult:
    skipped: str | None = None
    home: Measurement | None = None
    light: Measurement | None = None  # the home page without the org chart
    portlets: dict[str, Measurement] = field(default_factory=dict)
    idle_ms: dict[str, float] = field(default_factory=dict)  # one request alone (median of 3), per portlet
    sizes: dict[str, int] = field(default_factory=dict)
    pending: int = 0


class BenchError(RuntimeError):
    """Something the benchmark needs did not work; the message is meant for a person."""


# --- HTTP load ----------------------------------------------------------------------------------------

class WrkLoad:
    """wrk, 1 thread, `concurrency` keep-alive connections; each request takes the next path and the next token
    (round robin). Requests still in flight when its time is up are dropped, so the server is let settle after."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.script = workdir / "search.lua"
        self.script.write_text(WRK_SCRIPT)
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
        self.name = f"{version.split('[')[0].strip() or 'wrk'} (1 thread, a Lua script cycling through the queries)"

    def run(self, server: Server, paths: Sequence[str], tokens: Sequence[str], concurrency: int,
            seconds: float) -> Sample:
        path_file, token_file = self.workdir / "paths.txt", self.workdir / "tokens.txt"
        path_file.write_text("\n".join(paths) + "\n")
        token_file.write_text("\n".join(tokens) + "\n")
        args = [self.binary, "-t", "1", "-c", str(concurrency), "-d", f"{max(1, round(seconds))}s", "--timeout",
                "30s", "-s", str(self.script), server.base_url, "--", str(path_file), str(token_file)]
        out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=False)
        line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
        if line is None:
            raise BenchError(f"wrk gave no result (exit {out.returncode}): {out.stderr.strip() or out.stdout}")
        total, micros, p50, p95, bad_status, io_errors = (float(x) for x in line.split()[1:])
        return Sample(int(total - bad_status), int(bad_status + io_errors), micros / 1e6, p50 / 1e3, p95 / 1e3)


class PythonLoad:
    """Plain asyncio streams speaking keep-alive HTTP/1.1, one task per connection, round robin over paths and
    tokens like the wrk script. Unlike wrk it waits for the requests in flight when the time is up (up to
    `drain` seconds), so slow requests are counted rather than dropped."""

    def __init__(self) -> None:
        self.runner = _runner()
        self.name = f"asyncio streams on {_loop_name()}"

    def close(self) -> None:
        self.runner.close()

    def run(self, server: Server, paths: Sequence[str], tokens: Sequence[str], concurrency: int, seconds: float,
            *, drain: float = DRAIN_S, limit: int | None = None) -> Sample:
        return self.runner.run(self._run(server, paths, tokens, concurrency, seconds, drain, limit))

    async def _run(self, server: Server, paths: Sequence[str], tokens: Sequence[str], concurrency: int,
                   seconds: float, drain: float, limit: int | None) -> Sample:
        host, port = "127.0.0.1", server.port
        conns = [await asyncio.open_connection(host, port) for _ in range(concurrency)]
        latencies: list[float] = []
        in_flight: dict[int, float] = {}
        errors, counter = 0, 0
        start = time.perf_counter()
        deadline = start + seconds

        async def worker(i: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal errors, counter
            while time.perf_counter() < deadline and (limit is None or counter < limit):
                n, counter = counter, counter + 1
                writer.write((f"GET {paths[n % len(paths)]} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                              f"Authorization: Bearer {tokens[n % len(tokens)]}\r\n\r\n").encode())
                sent = in_flight[i] = time.perf_counter()
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = next(int(x.split(b":", 1)[1]) for x in head.split(b"\r\n")
                                  if x.lower().startswith(b"content-length:"))
                    await reader.readexactly(length)
                except (OSError, StopIteration, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    errors += 1
                    return
                finally:
                    in_flight.pop(i, None)
                if head.startswith(b"HTTP/1.1 200 "):
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        try:
            await asyncio.wait_for(asyncio.gather(*(worker(i, r, w) for i, (r, w) in enumerate(conns))),
                                   timeout=seconds + drain)
        except TimeoutError:
            pass
        finally:
            for _, writer in conns:
                writer.close()
        now = time.perf_counter()
        done = len(latencies)
        ages = [now - sent for sent in in_flight.values()]
        latencies = sorted(latencies + ages)
        return Sample(done, errors, now - start, _percentile(latencies, 50) * 1e3,
                      _percentile(latencies, 95) * 1e3, unfinished=len(ages))


# --- the same SQL, directly ---------------------------------------------------------------------------

Statement = tuple[str, dict[str, Any]]


class RawFloor:
    """The statements `portal.search.service` runs for a query, with the same SQL and parameters it sends to
    psycopg, on plain psycopg connections set up like the app's search engine (autocommit, generic plans,
    psycopg's defaults: prepared after 5 runs), one task per connection; waits for the last ones."""

    def __init__(self, url: str, concurrency: int) -> None:
        self.url = url
        self.concurrency = concurrency
        self.runner = _runner()
        self.conns: list[psycopg.AsyncConnection[Any]] = []

    def open(self) -> None:
        async def connect() -> list[psycopg.AsyncConnection[Any]]:
            return [await psycopg.AsyncConnection.connect(self.url, autocommit=True, options=GENERIC_PLANS)
                    for _ in range(self.concurrency)]

        self.conns = self.runner.run(connect())

    def close(self) -> None:
        async def close_all() -> None:
            for conn in self.conns:
                await conn.close()

        try:
            self.runner.run(close_all())
        finally:
            self.runner.close()

    @staticmethod
    def statements(family: Family, queries: Sequence[str]) -> list[list[Statement]]:
        out = []
        for q in queries:
            if family.autocomplete:
                statement, params = service.autocomplete_statement(q, limit=AUTOCOMPLETE_LIMIT)
            else:
                statements, params = service.employee_statement(q, limit=SEARCH_LIMIT, offset=0, department_id=None,
                                                                include_inactive=False)
                statement = statements.page
            out.append([(statement.sql, statement.parameters(params))])
        return out

    def run(self, requests: Sequence[Sequence[Statement]], seconds: float, *, concurrency: int | None = None,
            limit: int | None = None) -> Sample:
        return self.runner.run(self._run(requests, seconds, self.conns[:concurrency or self.concurrency], limit))

    @staticmethod
    async def _run(requests: Sequence[Sequence[Statement]], seconds: float,
                   conns: Sequence[psycopg.AsyncConnection[Any]], limit: int | None) -> Sample:
        latencies: list[float] = []
        errors, counter = 0, 0
        start = time.perf_counter()
        deadline = start + seconds

        async def worker(conn: psycopg.AsyncConnection[Any]) -> None:
            nonlocal errors, counter
            while time.perf_counter() < deadline and (limit is None or counter < limit):
                n, counter = counter, counter + 1
                sent = time.perf_counter()
                try:
                    for sql, params in requests[n % len(requests)]:
                        await (await conn.execute(sql, params)).fetchall()
                except psycopg.Error:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(worker(c) for c in conns))
        latencies.sort()
        return Sample(len(latencies), errors, time.perf_counter() - start,
                      _percentile(latencies, 50) * 1e3, _percentile(latencies, 95) * 1e3)

    def explain(self, statements: Sequence[Statement]) -> list[str]:
        async def go() -> list[str]:
            lines = []
            for sql, params in statements:
                cur = await self.conns[0].execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                lines += [str(r[0]) for r in await cur.fetchall()] + [""]
            return lines

        return self.runner.run(go())


# --- the run ------------------------------------------------------------------------------------------

class Processes:
    """CPU seconds so far of the API process, of PostgreSQL (its processes, and the workers it has reaped) and
    of the client (this process and what it has reaped: wrk)."""

    def __init__(self, api_pids: set[int]) -> None:
        self.api_pids = api_pids

    def sample(self) -> dict[str, float]:
        me = psutil.Process()
        t = me.cpu_times()
        out = {"api": 0.0, "db": 0.0, "client": t.user + t.system + t.children_user + t.children_system}
        for proc in me.children(recursive=True):
            try:
                name, t = proc.name(), proc.cpu_times()
            except psutil.Error:
                continue
            if proc.pid in self.api_pids:
                out["api"] += t.user + t.system
            elif name.startswith("postgres"):
                out["db"] += t.user + t.system + t.children_user + t.children_system
        return out

    def settle(self, limit: float = 90.0) -> None:
        """Wait until the API and PostgreSQL are idle: requests wrk dropped at the end of its run still go on."""
        end = time.monotonic() + limit
        last = self.sample()
        quiet = 0
        while time.monotonic() < end and quiet < 2:
            time.sleep(0.15)
            now = self.sample()
            quiet = quiet + 1 if now["api"] - last["api"] < 0.01 and now["db"] - last["db"] < 0.01 else 0
            last = now


class Cache:
    """The search cache's version key and entries, straight in Redis."""

    def __init__(self, url: str) -> None:
        self.redis = redis.Redis.from_url(url)

    def bump(self) -> int:
        return int(self.redis.incr(VERSION_KEY))

    def writes(self) -> int:
        """SET commands Redis has run so far: the API writes a search cache entry after each miss, and nothing
        else sets keys during a search measurement."""
        stats: dict[str, Any] = self.redis.info("commandstats")
        return int(stats.get("cmdstat_set", {}).get("calls", 0))

    def forget_login_attempts(self) -> None:
        keys = list(self.redis.scan_iter(match="rl:login:*", count=1000))
        if keys:
            self.redis.delete(*keys)

    def close(self) -> None:
        self.redis.close()


class KeepStale:
    """Bumps the search cache's version every STALE_EVERY_S while a cold phase runs: every entry written before
    is stale at once, so each request misses even when its query comes round again. `stop` answers how many
    entries the API wrote meanwhile, that is how many requests missed."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        self.writes_before = 0

    def start(self) -> None:
        self.stop()
        self.done.clear()
        self.writes_before = self.cache.writes()
        self.cache.bump()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:  # a redis-py client is safe to share between threads
        while not self.done.wait(STALE_EVERY_S):
            self.cache.bump()

    def stop(self) -> int:
        if self.thread is not None:
            self.done.set()
            self.thread.join()
            self.thread = None
        return self.cache.writes() - self.writes_before


@dataclass
class Bench:
    args: argparse.Namespace
    server: Server
    wrk: WrkLoad | None
    python: PythonLoad
    floor: RawFloor
    cache: Cache
    procs: Processes
    started: float

    def measure(self, client: str, run: Callable[[], Sample], before: Callable[[], None] | None = None,
                misses: Callable[[], int] | None = None) -> Measurement:
        """One measurement (after `before`: warm-ups, cache preparation); once more if other processes took more
        than NOISY of the CPUs, and the quieter of the two is kept."""
        best: Measurement | None = None
        for _ in range(2):
            if before:
                before()
                if client == "wrk":
                    self.procs.settle()
            meter, cpu0 = CpuMeter(), self.procs.sample()
            result = run()
            if client == "wrk":
                self.procs.settle()
            cpu1 = self.procs.sample()
            m = Measurement(result, client, meter.foreign_share(), {k: cpu1[k] - cpu0[k] for k in cpu0},
                            misses() if misses else None)
            if best is None or m.foreign < best.foreign:
                best = m
            if m.foreign <= NOISY:
                break
            print(f"    other processes used {m.foreign:.0%} of the CPUs; measuring once more", flush=True)
        assert best is not None
        return best

    def http(self, paths: Sequence[str], tokens: Sequence[str], concurrency: int, seconds: float, *,
             draining: bool = False, prepare: Callable[[], None] | None = None,
             misses: Callable[[], int] | None = None) -> Measurement:
        """A measurement with wrk after `prepare` (by default a warm-up on the same paths), or with the draining
        client after `prepare` only."""
        if draining or self.wrk is None:
            return self.measure("python", lambda: self.python.run(self.server, paths, tokens, concurrency, seconds),
                                before=prepare, misses=misses)
        wrk = self.wrk

        def warmup() -> None:
            if self.args.warmup > 0:
                wrk.run(self.server, paths, tokens, concurrency, self.args.warmup)

        return self.measure("wrk", lambda: wrk.run(self.server, paths, tokens, concurrency, seconds),
                            before=prepare or warmup, misses=misses)


def show(label: str, m: Measurement) -> None:
    r = m.result
    extra = f"  misses {m.miss_share:4.0%}" if m.miss_share is not None else ""
    extra += f"  ({r.unfinished} unfinished: lower bounds)" if r.unfinished else ""
    print(f"  {label:<34} {r.rps:>7.1f} req/s  p50 {r.p50_ms:8.1f} ms  p95 {r.p95_ms:8.1f} ms  errors {r.errors}"
          f"  CPU/req api {m.cpu_ms('api'):5.1f} db {m.cpu_ms('db'):6.1f} ms{extra}  other CPU {m.foreign:.0%}",
          flush=True)


def login(server: Server, username: str, cache: Cache) -> str:
    cache.forget_login_attempts()  # 30 logins a minute per address; we log in 33 users from one
    r = httpx.post(f"{server.base_url}/api/v1/auth/login", json={"username": username, "password": ADMIN_PASSWORD},
                   timeout=30)
    if r.status_code != 200:
        raise BenchError(f"login of {username} failed: HTTP {r.status_code} {r.text[:300]}")
    token: str = r.json()["data"]["access_token"]
    return token


def check(server: Server, path: str, token: str) -> httpx.Response:
    r = httpx.get(server.base_url + path, headers={"Authorization": f"Bearer {token}"}, timeout=120)
    if r.status_code != 200:
        raise BenchError(f"GET {path}: HTTP {r.status_code} {r.text[:300]}")
    return r


def run_family(b: Bench, family: Family, token: str) -> FamilyResult:
    args, c = b.args, b.args.concurrency
    print(f"[{time.monotonic() - b.started:3.0f}s] {family.label}: {len(family.cold)} distinct measured queries, e.g. "
          f"{', '.join(family.cold[:4])}", flush=True)
    if not check(b.server, family.path(family.cold[0]), token).json()["data"]:
        raise BenchError(f"{family.label}: {family.cold[0]!r} found nobody; the generated data is not as expected")
    # One request at a time on an idle server (what a single user sees, cold), the first one telling whether
    # this kind is slow: then it is measured with the draining client, without warm-ups, on fewer queries.
    lone = family.cold[-20:]
    lone_sql = b.floor.statements(family, lone)
    b.floor.run(b.floor.statements(family, family.warmup[:1]), 60, concurrency=1, limit=1)
    t = time.perf_counter()
    b.floor.run(lone_sql[:1], 60, concurrency=1, limit=1)
    slow = time.perf_counter() - t > SLOW_QUERY_S
    alone = 2 if slow else len(lone)
    idle_raw = b.floor.run(lone_sql[1:] + lone_sql[:1], 120, concurrency=1, limit=alone)
    b.cache.bump()
    idle_http = b.python.run(b.server, [family.path(q) for q in lone], [token], 1, 120, limit=alone)
    raw_cold = b.floor.statements(family, family.cold[:SLOW_RAW_QUERIES if slow else args.raw_queries])
    raw_warm = [] if slow else b.floor.statements(family, family.warmup)
    print(f"  one at a time: raw p50 {idle_raw.p50_ms:.1f} ms, HTTP p50 {idle_http.p50_ms:.1f} ms"
          + (" (slow: measured with the draining client, no warm-up)" if slow else ""), flush=True)

    def raw_warmup() -> None:
        if not slow and args.warmup > 0:
            b.floor.run(raw_warm, args.warmup)

    raw = b.measure("psycopg", lambda: b.floor.run(raw_cold, args.duration), before=raw_warmup)
    show("raw SQL (psycopg, same statements)", raw)
    stale = KeepStale(b.cache)

    def fresh() -> None:  # warm up on other queries, then keep every cached search stale while measuring
        if not slow and b.wrk is not None and args.warmup > 0:
            b.wrk.run(b.server, [family.path(q) for q in family.warmup], [token], c, args.warmup)
            b.procs.settle()
        stale.start()

    cold = b.http([family.path(q) for q in family.cold], [token], c, args.duration, draining=slow, prepare=fresh,
                  misses=stale.stop)
    show("HTTP, cold (distinct queries)", cold)
    hot_paths = [family.path(q) for q in family.hot]

    def prefill() -> None:
        with httpx.Client(base_url=b.server.base_url, headers={"Authorization": f"Bearer {token}"},
                          timeout=60) as client:
            for path in hot_paths:
                if client.get(path).status_code != 200:
                    raise BenchError(f"GET {path} failed while filling the cache")
        if b.wrk is not None and args.warmup > 0:
            b.wrk.run(b.server, hot_paths, [token], c, args.warmup)

    cached = b.http(hot_paths, [token], c, args.cached_duration, prepare=prefill)
    show(f"HTTP, cached ({len(hot_paths)} queries)", cached)
    return FamilyResult(family, slow, idle_raw, idle_http, raw, cold, cached)


def run_portal(b: Bench, tokens: list[str]) -> PortalResult:
    args, c = b.args, b.args.portal_concurrency
    r = httpx.get(b.server.base_url + PORTAL, headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=120)
    if r.status_code == 404:
        return PortalResult(skipped=f"GET {PORTAL} answered 404 ({r.text[:120]}): the portal API is not there yet")
    if r.status_code != 200 or not r.headers.get("content-type", "").startswith("application/json"):
        raise BenchError(f"GET {PORTAL}: HTTP {r.status_code} {r.text[:300]}")
    result = PortalResult(sizes={"home": len(r.content)}, pending=r.json()["data"]["pending-approvals"]["total"])
    print(f"[{time.monotonic() - b.started:3.0f}s] portal home for {len(tokens)} users (the first has "
          f"{result.pending} pending approvals), {len(r.content):,} bytes", flush=True)
    for kind in PORTAL_TYPES:  # one request at a time, on an idle server
        path = f"/api/v1/portal/data/{kind}"
        result.sizes[kind] = len(check(b.server, path, tokens[0]).content)
        alone = b.python.run(b.server, [path], tokens, 1, 120, limit=2 if kind == "org-chart" else 5)
        result.idle_ms[kind] = alone.p50_ms
    result.idle_ms["home"] = b.python.run(b.server, [PORTAL], tokens, 1, 120, limit=2).p50_ms
    print("  one at a time: " + ", ".join(f"{k} {v:.1f} ms" for k, v in result.idle_ms.items()), flush=True)
    for kind in PORTAL_TYPES:  # which portlet costs what, at the same concurrency
        if result.idle_ms[kind] > SLOW_PORTAL_MS:
            continue
        path = f"/api/v1/portal/data/{kind}"
        result.portlets[kind] = b.http([path], tokens, c, args.portlet_duration)
        show(f"only {kind}", result.portlets[kind])
    result.light = b.http([PORTAL_LIGHT], tokens, c, args.duration)
    show("home without org-chart", result.light)
    if result.idle_ms["home"] > SLOW_PORTAL_MS:
        # Last, as its requests may be cut off unfinished (the server then still works on them).
        result.home = b.measure("python", lambda: b.python.run(b.server, [PORTAL], tokens, c, args.portlet_duration))
    else:  # fast enough for wrk: measured like the home without the org chart
        result.home = b.http([PORTAL], tokens, c, args.duration)
    show("home, all five portlets", result.home)
    return result


def build_families(people: Sequence[data.Employee], args: argparse.Namespace) -> list[Family]:
    pools = data.query_pools(people, args.queries + WARMUP_QUERIES)
    families = []
    for key, label, endpoint in FAMILIES:
        pool = pools[key]
        warmup, cold = pool[-WARMUP_QUERIES:], pool[:-WARMUP_QUERIES]
        families.append(Family(key, label, endpoint, cold, warmup, cold[:HOT_QUERIES]))
    return families


async def load_data(url: str, args: argparse.Namespace) -> tuple[list[data.Employee], list[str]]:
    t = time.monotonic()
    async with await psycopg.AsyncConnection.connect(url) as conn:
        _, people = await data.load_org(conn, args.departments, args.users)
        portal_users = await data.make_portal_users(conn, args.portal_concurrency)
        async with conn.cursor() as cur:
            await cur.execute("SELECT id FROM users WHERE is_active ORDER BY id")
            ids = [int(r[0]) for r in await cur.fetchall()]
            await cur.execute("SELECT id FROM users WHERE username = ANY(%s)", (portal_users,))
            approvers = [int(r[0]) for r in await cur.fetchall()]
        await data.load_posts(conn, args.posts, ids)
        await data.load_documents(conn, args.documents, ids, approvers)
        await conn.set_autocommit(True)
        await conn.execute("ANALYZE")
    print(f"  {args.users:,} employees in {args.departments} departments, {args.posts:,} posts, "
          f"{args.documents:,} approval documents, analysed, in {time.monotonic() - t:.0f}s", flush=True)
    return people, portal_users


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="gw-bench-search-"))
    python = PythonLoad()
    floor: RawFloor | None = None
    cache: Cache | None = None
    started = time.monotonic()
    try:
        binary = shutil.which("wrk")
        if args.client == "wrk" and not binary:
            raise SystemExit("--client wrk: wrk is not installed (Debian: apt-get install -y wrk)")
        wrk = WrkLoad(binary, workdir) if binary and args.client != "python" else None
        print("starting PostgreSQL and Redis, migrating, bootstrapping ...", flush=True)
        with stack() as services:
            url = services.database_url.replace("postgresql+psycopg://", "postgresql://")
            people, portal_users = asyncio.run(load_data(url, args))
            api = services.serve("api", "bench._stack:api_app_factory", args.log_level, processes=args.api_processes)
            cache = Cache(services.redis_url)
            admin = login(api, ADMIN_USERNAME, cache)
            tokens = [login(api, u, cache) for u in portal_users]
            floor = RawFloor(url, args.concurrency)
            floor.open()
            print(f"ready at {time.monotonic() - started:.0f}s", flush=True)
            bench = Bench(args, api, wrk, python, floor, cache, Processes(api.pids), started)
            whole = CpuMeter()
            results = [run_family(bench, f, admin) for f in build_families(people, args)]
            portal = run_portal(bench, tokens) if args.portal else PortalResult(skipped="--no-portal")
            foreign = whole.foreign_share()
            plans = {f.family.key: floor.explain(floor.statements(f.family, f.family.cold[:1])[0])
                     for f in results} if args.explain else {}
            pg_version = floor.conns[0].info.server_version
        report(args, wrk, python, results, portal, foreign, plans, pg_version, time.monotonic() - started)
        return 0
    except StackError as exc:
        print(f"benchmark aborted: a service failed to start: {exc}", file=sys.stderr)
        return 2
    except BenchError as exc:
        print(f"benchmark aborted: {exc}", file=sys.stderr)
        return 3
    finally:
        if floor is not None:
            floor.close()
        if cache is not None:
            cache.close()
        python.close()
        shutil.rmtree(workdir, ignore_errors=True)


# --- report -------------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def ms(value: float, sample: Sample) -> str:
    return f"{'>=' if sample.unfinished else ''}{value:.1f}"


def report(args: argparse.Namespace, wrk: WrkLoad | None, python: PythonLoad, results: list[FamilyResult],
           portal: PortalResult, foreign: float, plans: dict[str, list[str]], pg_version: int,
           elapsed: float) -> None:
    print()
    print(f"Search latency: {args.users:,} employees, {args.departments} departments; {args.concurrency} concurrent "
          f"clients (closed loop), {args.duration:g}s per measurement ({args.cached_duration:g}s cached)")
    print(f"machine:   {os.cpu_count()} CPUs, {_cpu_model()}, Python {platform.python_version()}, "
          f"PostgreSQL {pg_version // 10000}.{pg_version % 10000}")
    print(f"server:    {_server_stack(args.api_processes)}, flags: {' '.join(UVICORN_FLAGS)}, "
          f"GW_LOG_LEVEL={args.log_level}")
    print(f"load:      wrk = {wrk.name if wrk else 'not installed'}; python = {python.name} (waits up to {DRAIN_S:g}s "
          f"for the requests in flight); raw SQL: psycopg {psycopg.__version__}, {args.concurrency} connections")
    print(f"other processes used {foreign:.0%} of the CPUs during the measurements"
          + (f"  <-- WARNING: a busy machine (> {NOISY:.0%}); rerun when it is quiet" if foreign > NOISY else ""))
    print()
    print(f"{'kind':<9} {'phase':<11} {'client':<7} {'req/s':>7} {'p50 ms':>9} {'p95 ms':>9} {'alone':>8} "
          f"{'api ms':>7} {'db ms':>7} {'misses':>6} {'other':>5}")
    for fr in results:
        for phase, m, alone in (("raw SQL", fr.raw, fr.idle_raw), ("HTTP cold", fr.cold, fr.idle_http),
                                ("HTTP cached", fr.cached, None)):
            r = m.result
            misses = f"{m.miss_share:.0%}" if m.miss_share is not None else ""
            print(f"{fr.family.key:<9} {phase:<11} {m.client:<7} {r.rps:>7.1f} {ms(r.p50_ms, r):>9} "
                  f"{ms(r.p95_ms, r):>9} {f'{alone.p50_ms:.1f}' if alone else '':>8} {m.cpu_ms('api'):>7.2f} "
                  f"{m.cpu_ms('db'):>7.2f} {misses:>6} {m.foreign:>5.0%}")
    print("(req/s: completed requests over the whole measurement, the drain included; alone: p50 of one request at "
          "a time on the idle server; api/db ms: CPU per request of uvicorn and of PostgreSQL)")
    print()
    for fr in results:
        cold, raw, cached = fr.cold.result, fr.raw.result, fr.cached.result
        p95_ratio = cold.p95_ms / raw.p95_ms if raw.p95_ms else float("inf")
        p50_ratio = cold.p50_ms / raw.p50_ms if raw.p50_ms else float("inf")
        print(f"{fr.family.label}: HTTP p95 {ms(cold.p95_ms, cold)} ms cold, {cached.p95_ms:.1f} ms cached (target < "
              f"{fr.family.target_ms:.0f} ms: cold {verdict(cold.p95_ms < fr.family.target_ms)}, cached "
              f"{verdict(cached.p95_ms < fr.family.target_ms)}); HTTP/raw p95 {p95_ratio:.1f}x, p50 {p50_ratio:.1f}x "
              f"(target <= {TARGET_OVERHEAD:g}x: {verdict(p95_ratio <= TARGET_OVERHEAD)})")
    print()
    if portal.skipped:
        print(f"portal home: skipped: {portal.skipped}")
    elif portal.home:
        r = portal.home.result
        print(f"portal home ({args.posts:,} posts, {args.documents:,} documents, {args.portal_concurrency} users, "
              f"{portal.sizes['home']:,} bytes): {r.rps:.1f} req/s, p50 {ms(r.p50_ms, r)} ms, p95 {ms(r.p95_ms, r)} ms"
              f" (target < {TARGET_PORTAL_P95_MS:.0f} ms: {verdict(r.p95_ms < TARGET_PORTAL_P95_MS)})"
              + (f"; {r.unfinished} requests still unfinished after {DRAIN_S:g}s" if r.unfinished else ""))
        rows: list[tuple[str, Measurement | None, str]] = [("without org-chart", portal.light, "")]
        rows += [(k, portal.portlets.get(k), k) for k in PORTAL_TYPES]
        for label, pm, kind in rows:
            idle = f"alone {portal.idle_ms[kind]:7.1f} ms  {portal.sizes[kind]:>10,} bytes" if kind else ""
            load = (f"{pm.result.rps:>7.1f} req/s  p50 {pm.result.p50_ms:7.1f} ms  p95 {pm.result.p95_ms:7.1f} ms"
                    if pm else f"{'(not under load: see above)':<48}")
            print(f"  {label:<18} {load}  {idle}")
        if portal.home.client != "python":
            print(f"  (home measured with {portal.home.client}, {args.duration:g}s, like the home without org-chart)")
    for key, lines in plans.items():
        fr = next(f for f in results if f.family.key == key)
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) for {fr.family.label}, q={fr.family.cold[0]!r}:")
        for line in lines:
            print(f"  {line}")
    print(f"\ntotal time {elapsed:.0f}s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/search_latency.py",
        description="Employee search and autocomplete p50/p95 over HTTP (cold and cached) against the same SQL "
                    "run directly, on generated data; then the portal home page.",
    )
    parser.add_argument("--users", type=int, default=100_000, help="generated employees")
    parser.add_argument("--departments", type=int, default=500, help="departments (a tree)")
    parser.add_argument("--posts", type=int, default=10_000, help="board posts, for the portal")
    parser.add_argument("--documents", type=int, default=5_000, help="approval documents, for the portal")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent search clients (and connections)")
    parser.add_argument("--portal-concurrency", type=int, default=32, help="concurrent portal users")
    parser.add_argument("--duration", type=float, default=6.0, help="measured seconds per phase")
    parser.add_argument("--cached-duration", type=float, default=3.0, help="measured seconds of the cached phases")
    parser.add_argument("--portlet-duration", type=float, default=3.0,
                        help="measured seconds per single portlet, and of the whole (slow) portal home")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each fast measurement")
    parser.add_argument("--queries", type=int, default=6000, help="distinct measured queries per kind (at most)")
    parser.add_argument("--raw-queries", type=int, default=1500, help="of which the raw SQL phase cycles through")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                        help="HTTP load generator of the fast phases: wrk when installed (auto), else asyncio")
    parser.add_argument("--api-processes", type=int, default=API_PROCESSES,
                        help="API processes sharing the port (default: one per CPU, as docker-compose.yml's API "
                             "replicas behind nginx)")
    parser.add_argument("--no-portal", dest="portal", action="store_false", help="skip the portal home phase")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of one query of each kind")
    parser.add_argument("--log-level", default="WARNING", help="GW_LOG_LEVEL of the server")
    args = parser.parse_args(argv)
    if not (1_000 <= args.users <= 1_000_000 and 61 <= args.departments <= 10_000 and 1 <= args.concurrency <= 256
            and 1 <= args.portal_concurrency <= 256 and 0.5 <= args.duration <= 60 and 0 <= args.warmup <= 10
            and WARMUP_QUERIES <= args.queries and 25 <= args.raw_queries):
        parser.error("out of bounds: 1000<=users, 61<=departments, 0.5<=duration<=60, 0<=warmup<=10, 300<=queries,"
                     " 25<=raw-queries")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop and delete everything we started
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
