"""AD sync throughput on 10,000 users in a real Samba AD DC, against a plain ldap3 paged read of the same entries.

Each round: raw read; full sync into a fresh, empty database; raw read; full sync again with nothing changed;
100 users changed in AD; incremental sync. Medians over the rounds are compared with the targets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import psycopg

if __package__ in (None, ""):  # run as `python bench/adsync_throughput.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ldap3 import NONE, SIMPLE, SUBTREE, Connection, Server, Tls  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from bench import _adsync_data as data  # noqa: E402
from bench._stack import StackError, stack  # noqa: E402
from bench.api_baseline import CpuMeter  # noqa: E402
from portal.adsync.crypto import encrypt  # noqa: E402
from portal.adsync.directory import PAGE_SIZE, PAGED_RESULTS_OID  # noqa: E402
from portal.adsync.mapping import attributes_for  # noqa: E402
from portal.adsync.models import ADSyncConfig, ADSyncLog  # noqa: E402
from portal.adsync.schemas import DEFAULT_MAPPING, DEFAULT_USER_FILTER  # noqa: E402
from portal.adsync.sync import Syncer, SyncOutcome  # noqa: E402
from portal.db.session import SessionFactory, create_engine, create_session_factory  # noqa: E402
from portal.users.models import AuthSource, User  # noqa: E402
from tests.adsync.samba import ADMIN_DN, ADMIN_PASSWORD, BASE_DN, CERT_NAME, SambaDC, SambaUnavailable  # noqa: E402

HOST = "127.0.0.3"  # the test suite's DC listens on 127.0.0.2
TARGET_FULL = 2.0  # full sync at most this many times the raw read
TARGET_NOCHANGE = 1.5  # full sync with nothing changed
TARGET_INCREMENTAL = 0.05  # incremental sync as a share of the full sync
NOISY = 0.20


class BenchError(RuntimeError):
    """Something the benchmark needs did not work; the message is meant for a person."""


@dataclass
class Timing:
    seconds: float
    cpu: dict[str, float]  # CPU seconds: bench (this process: sync or ldap3 client), db, samba
    foreign: float  # other processes' share of the CPUs meanwhile
    counts: dict[str, int] = field(default_factory=dict)


class Cpu:
    """CPU seconds so far of this process, of PostgreSQL and of Samba (all our descendants)."""

    def sample(self) -> dict[str, float]:
        me = psutil.Process()
        t = me.cpu_times()
        out = {"bench": t.user + t.system, "db": 0.0, "samba": 0.0}
        for proc in me.children(recursive=True):
            try:
                name, c = proc.name(), proc.cpu_times()
            except psutil.Error:
                continue
            used = c.user + c.system + c.children_user + c.children_system
            if name.startswith("postgres"):
                out["db"] += used
            elif name.startswith("samba"):
                out["samba"] += used
        return out


def measure(fn: Any) -> tuple[Timing, Any]:
    cpu = Cpu()
    before, meter = cpu.sample(), CpuMeter()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    after = cpu.sample()
    return Timing(seconds, {k: after[k] - before[k] for k in after}, meter.foreign_share()), result


# --- the raw floor --------------------------------------------------------------------------------------

def raw_read(host: str, ca: str, base: str, attributes: list[str]) -> int:
    """Connect over LDAPS, bind, read every user entry in pages of 1,000 with the sync's filter and attributes
    (plain ldap3, its default SYNC strategy, no schema), unbind. Returns the number of entries."""
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_data=ca, valid_names=[CERT_NAME])
    conn = Connection(Server(host, port=636, use_ssl=True, tls=tls, get_info=NONE), user=ADMIN_DN,
                      password=ADMIN_PASSWORD, authentication=SIMPLE, auto_bind=True, read_only=True)
    entries, cookie = 0, None
    try:
        while True:
            conn.search(base, DEFAULT_USER_FILTER, search_scope=SUBTREE, attributes=attributes,
                        paged_size=PAGE_SIZE, paged_cookie=cookie)
            entries += sum(1 for item in conn.response if item.get("type") == "searchResEntry")
            cookie = (((conn.result or {}).get("controls") or {}).get(PAGED_RESULTS_OID) or {}).get(
                "value", {}).get("cookie")
            if not cookie:
                return entries
    finally:
        conn.unbind()


# --- databases ------------------------------------------------------------------------------------------

def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def configure(url: str, key: bytes, ca: str, base: str, group: str) -> None:
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO ad_sync_config (server_url, port, use_ldaps, use_starttls, ca_certificate, tls_server_name,"
            " bind_dn, bind_password, base_dns, user_filter, attribute_mapping, ou_mapping, group_mapping,"
            " is_enabled) VALUES (%s, 636, true, false, %s, %s, %s, %s, %s::jsonb, %s, '{}'::jsonb, '{}'::jsonb,"
            " %s::jsonb, true)",
            (f"ldaps://{HOST}", ca, CERT_NAME, ADMIN_DN, encrypt(key, ADMIN_PASSWORD), f'["{base}"]',
             DEFAULT_USER_FILTER, '{"' + group + '": "dept_admin"}'))


def fresh_database(url: str, name: str) -> str:
    """A new database copied from the migrated, configured one: no users but the bootstrap admin."""
    with psycopg.connect(_libpq(_with_db(url, "postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
    return _with_db(url, name)


def drop_database(url: str, name: str) -> None:
    with psycopg.connect(_libpq(_with_db(url, "postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Database:
    """One database and the session factory the Syncer uses, on one event loop."""

    def __init__(self, runner: asyncio.Runner, url: str) -> None:
        self.runner = runner
        self.engine = create_engine(url)
        self.sessions: SessionFactory = create_session_factory(self.engine)

    def close(self) -> None:
        self.runner.run(self.engine.dispose())

    def new_log(self, mode: str) -> int:
        async def go() -> int:
            async with self.sessions() as session:
                row = ADSyncLog(status="running", mode=mode, trigger="manual", progress={}, error_details=[])
                session.add(row)
                await session.commit()
                return row.id
        return self.runner.run(go())

    def finish(self, log_id: int) -> None:
        """What activities/adsync.py `finish` does on success: close the row, keep its USN for next time."""
        async def go() -> None:
            async with self.sessions() as session:
                row = await session.get(ADSyncLog, log_id)
                assert row is not None
                row.status = "partial" if row.error_count else "completed"
                if row.highest_usn is not None:
                    await session.execute(update(ADSyncConfig).values(highest_committed_usn=row.highest_usn))
                await session.commit()
        self.runner.run(go())

    def ad_users(self) -> tuple[int, int]:
        async def go() -> tuple[int, int]:
            async with self.sessions() as session:
                total = (await session.execute(select(func.count()).select_from(User).where(
                    User.auth_source == AuthSource.ad))).scalar_one()
                managed = (await session.execute(select(func.count()).select_from(User).where(
                    User.auth_source == AuthSource.ad, User.manager_id.is_not(None)))).scalar_one()
                return int(total), int(managed)
        return self.runner.run(go())

    def sync(self, key: bytes, mode: str) -> tuple[Timing, SyncOutcome, int]:
        log_id = self.new_log(mode)
        timing, outcome = measure(lambda: self.runner.run(Syncer(self.sessions, key, page_size=PAGE_SIZE).run(log_id)))
        self.finish(log_id)
        c = outcome.counts
        timing.counts = {"created": c.created, "updated": c.updated, "deactivated": c.deactivated,
                         "unchanged": c.unchanged, "errors": c.errors, "processed": c.processed}
        return timing, outcome, log_id


# --- profiling ------------------------------------------------------------------------------------------

class Profiler:
    """py-spy on this process (all threads, idle samples left out), collapsed stacks written to `out`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Profiler:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(spy).exists():
            raise BenchError("py-spy is not installed: .venv/bin/pip install py-spy")
        self.proc = subprocess.Popen([spy, "record", "--pid", str(os.getpid()), "--rate", "250", "--format", "raw",
                                      "--nonblocking", "-o", str(self.out)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(1.0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


PLUMBING = {"adsync_throughput.py", "base_events.py", "runners.py", "events.py", "threading.py", "thread.py",
            "tasks.py", "_pslinux.py", "_common.py", "__init__.py", "api_baseline.py"}


def summarize(path: Path, top: int = 30) -> list[str]:
    """Inclusive share of samples per function (file:function), highest first, leaving out the event loop,
    thread and benchmark plumbing every sample passes through."""
    if not path.exists():
        return [f"(no profile written to {path})"]
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        names = set()
        for frame in stack.split(";"):
            func_name, _, where = frame.partition(" (")
            file = where.split(":")[0].rsplit("/", 1)[-1]
            if file in PLUMBING:
                continue
            names.add(f"{file}:{func_name}")
        for name in names:
            inclusive[name] += n
    lines = [f"{total} samples (active threads only)"]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)] if total else []
    return lines


# --- the run --------------------------------------------------------------------------------------------

def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _line(label: str, t: Timing) -> str:
    counts = " ".join(f"{k}={v}" for k, v in t.counts.items() if v) if t.counts else ""
    cpu = " ".join(f"{k} {v:5.2f}" for k, v in t.cpu.items())
    return f"  {label:<28} {t.seconds:7.2f} s   cpu s: {cpu}   other load {100 * t.foreign:3.0f}%  {counts}"


def run(args: argparse.Namespace) -> int:
    root = Path(tempfile.mkdtemp(prefix="gw-bench-adsync-"))
    dc: SambaDC | None = None
    runner = asyncio.Runner()
    key = os.urandom(32)
    attributes = attributes_for(DEFAULT_MAPPING)
    started = time.monotonic()
    try:
        with stack() as services:
            dc = SambaDC(root / "samba", host=HOST)
            t0 = time.monotonic()
            try:
                dc.provision()
                dc.start()
            except SambaUnavailable as exc:
                raise StackError(str(exc)) from exc
            print(f"Samba AD DC on {HOST}:636 in {time.monotonic() - t0:.0f} s", flush=True)
            admin = data.connect(HOST, dc.ca_certificate, CERT_NAME, ADMIN_DN, ADMIN_PASSWORD)
            t0 = time.monotonic()
            directory = data.populate(admin, BASE_DN, args.users,
                                      progress=lambda n: print(f"  added {n} users", end="\r", flush=True))
            print(f"added {len(directory.users)} users in {len(directory.ous)} OUs and 1 group "
                  f"in {time.monotonic() - t0:.0f} s", flush=True)
            configure(services.database_url, key, dc.ca_certificate, directory.base, directory.group)
            print(f"attributes requested: {', '.join(attributes)}", flush=True)

            raws: list[Timing] = []
            fulls: list[Timing] = []
            nochanges: list[Timing] = []
            incrementals: list[Timing] = []
            modify_s: list[float] = []

            def raw() -> Timing:
                timing, entries = measure(lambda: raw_read(HOST, dc.ca_certificate, directory.base, attributes))
                timing.counts = {"entries": entries}
                if entries != len(directory.users):
                    raise BenchError(f"the raw read returned {entries} entries, expected {len(directory.users)}")
                raws.append(timing)
                return timing

            print(_line("warm-up raw read", raw()), flush=True)
            raws.clear()
            for n in range(1, args.rounds + 1):
                print(f"round {n}/{args.rounds}", flush=True)
                name = f"bench_adsync_{n}"
                db = Database(runner, fresh_database(services.database_url, name))
                try:
                    print(_line("raw paged read", raw()), flush=True)
                    full, _, _ = db.sync(key, "full")
                    fulls.append(full)
                    print(_line("full sync (empty database)", full), flush=True)
                    print(_line("raw paged read", raw()), flush=True)
                    same, _, _ = db.sync(key, "full")
                    nochanges.append(same)
                    print(_line("full sync (no changes)", same), flush=True)
                    t0 = time.perf_counter()
                    data.modify(admin, directory, args.changes, n)
                    modify_s.append(time.perf_counter() - t0)
                    incr, _, _ = db.sync(key, "incremental")
                    incrementals.append(incr)
                    print(_line(f"incremental ({args.changes} changed)", incr), flush=True)
                    total, managed = db.ad_users()
                    if n == 1:
                        print(f"  database: {total} AD users, {managed} with a manager", flush=True)
                    _check(full, same, incr, len(directory.users), args.changes)
                finally:
                    db.close()
                    drop_database(services.database_url, name)

            profiles: dict[str, list[str]] = {}
            if args.profile:
                out = Path(args.profile)
                out.mkdir(parents=True, exist_ok=True)
                db = Database(runner, fresh_database(services.database_url, "bench_adsync_profile"))
                try:
                    for i, label in enumerate(("full sync (empty database)", "full sync (no changes)")):
                        path = out / f"full-sync-{i + 1}.txt"
                        with Profiler(path):
                            timing, _, _ = db.sync(key, "full")
                        print(_line(f"profiled: {label}", timing), flush=True)
                        profiles[label] = summarize(path)
                    data.modify(admin, directory, args.changes, args.rounds + 1)
                    with Profiler(out / "incremental.txt"):
                        timing, _, _ = db.sync(key, "incremental")
                    print(_line("profiled: incremental", timing), flush=True)
                    profiles["incremental"] = summarize(out / "incremental.txt")
                    with Profiler(out / "raw-read.txt"):
                        print(_line("profiled: raw paged read", raw()), flush=True)
                    raws.pop()
                    profiles["raw paged read"] = summarize(out / "raw-read.txt")
                finally:
                    db.close()
                    drop_database(services.database_url, "bench_adsync_profile")

            admin.unbind()
        _report(args, raws, fulls, nochanges, incrementals, modify_s, profiles, time.monotonic() - started)
        return 0
    except StackError as exc:
        print(f"benchmark aborted: a service failed to start: {exc}", file=sys.stderr)
        return 2
    except BenchError as exc:
        print(f"benchmark aborted: {exc}", file=sys.stderr)
        return 1
    finally:
        if dc is not None:
            dc.stop()
        runner.close()
        shutil.rmtree(root, ignore_errors=True)


def _check(full: Timing, same: Timing, incr: Timing, users: int, changes: int) -> None:
    """The syncs must have done what they are timed for, or the numbers mean nothing."""
    problems = []
    if (full.counts.get("created"), full.counts.get("processed")) != (users, users):
        problems.append(f"full sync into an empty database: {full.counts}")
    if (same.counts.get("unchanged"), same.counts.get("processed")) != (users, users):
        problems.append(f"full sync with no changes: {same.counts}")
    if (incr.counts.get("updated"), incr.counts.get("processed")) != (changes, changes):
        problems.append(f"incremental sync: {incr.counts}")
    if problems:
        raise BenchError("a sync did not do what was expected: " + "; ".join(problems))


def _report(args: argparse.Namespace, raws: list[Timing], fulls: list[Timing], nochanges: list[Timing],
            incrementals: list[Timing], modify_s: list[float], profiles: dict[str, list[str]],
            elapsed: float) -> None:
    raw_s = _median([t.seconds for t in raws])
    full_s = _median([t.seconds for t in fulls])
    same_s = _median([t.seconds for t in nochanges])
    incr_s = _median([t.seconds for t in incrementals])
    rows = [("raw paged read (floor)", raws), ("full sync, empty database", fulls),
            ("full sync, no changes", nochanges), (f"incremental, {args.changes} changed", incrementals)]
    print()
    print(f"{args.users} users, {args.rounds} rounds; medians (raw: {len(raws)} reads, alternating with the syncs)")
    print(f"{'':<30} {'seconds':>8} {'min':>7} {'max':>7}   median CPU s: bench / db / samba   other load")
    for label, timings in rows:
        secs = [t.seconds for t in timings]
        cpu = {k: _median([t.cpu[k] for t in timings]) for k in ("bench", "db", "samba")}
        foreign = _median([t.foreign for t in timings])
        print(f"{label:<30} {_median(secs):8.2f} {min(secs):7.2f} {max(secs):7.2f}   "
              f"{cpu['bench']:6.2f} / {cpu['db']:5.2f} / {cpu['samba']:5.2f}   {100 * foreign:9.0f}%")
    print()

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    full_r, same_r, incr_r = full_s / raw_s, same_s / raw_s, incr_s / full_s
    print(f"full sync / raw read:          {full_r:5.2f}x  (target <= {TARGET_FULL}x): "
          f"{verdict(full_r <= TARGET_FULL)}")
    print(f"no-change full / raw read:     {same_r:5.2f}x  (target <= {TARGET_NOCHANGE}x): "
          f"{verdict(same_r <= TARGET_NOCHANGE)}")
    print(f"incremental / full sync:       {100 * incr_r:5.1f}%  (target <= {100 * TARGET_INCREMENTAL:.0f}%): "
          f"{verdict(incr_r <= TARGET_INCREMENTAL)}")
    per_round = [f"{f.seconds / r.seconds:.2f}x/{s.seconds / q.seconds:.2f}x"
                 for f, s, r, q in zip(fulls, nochanges, raws[0::2], raws[1::2], strict=False)]
    print(f"per round, against the raw read just before (full/no-change): {', '.join(per_round)}")
    print(f"changing {args.changes} users in AD took {_median(modify_s):.2f} s (not part of any timing)")
    foreign = max([t.foreign for t in raws + fulls + nochanges + incrementals], default=0.0)
    if foreign > NOISY:
        print(f"WARNING: other processes used up to {100 * foreign:.0f}% of the CPUs during a measurement; "
              "absolute seconds are pessimistic, rerun on a quieter machine")
    for label, lines in profiles.items():
        print(f"\nprofile, {label} (inclusive share of py-spy samples):")
        for line in lines:
            print("  " + line)
    print(f"\ndone in {elapsed:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=100, help="users changed before the incremental sync")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", metavar="DIR",
                        help="after the rounds, profile one more full sync, no-change sync, incremental sync and raw "
                             "read with py-spy "
                             "(collapsed stacks written to DIR)")
    args = parser.parse_args(argv)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\ninterrupted; everything started was stopped and removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
