"""The FastAPI application: `create_app()` wires settings, resources, middleware, errors and routers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis

from api import errors
from api.middleware import RequestContextMiddleware
from api.routers import (
    admin,
    admin_approval,
    admin_system,
    adsync,
    approval,
    auth,
    board,
    dev_outbox,
    email_actions,
    health,
    notifications,
    portal,
    search,
    users,
)
from api.spa import mount_frontend
from api.state import AppState
from portal.common.logging import configure_logging
from portal.common.redis_batch import RedisBatch
from portal.common.schemas import ErrorEnvelope
from portal.db.session import create_engine, create_session_factory
from portal.settings import Settings, get_settings
from portal.storage.backends import build_storage

API_PREFIX = "/api/v1"
FRONTEND_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.effective_database_url, pool_size=settings.db_pool_size)
        reads = create_engine(settings.effective_database_url, pool_size=settings.db_pool_size, autocommit=True)
        search = create_engine(settings.effective_database_url, pool_size=settings.db_pool_size, autocommit=True,
                               generic_plans=True)
        redis = Redis.from_url(settings.effective_redis_url, socket_timeout=2, socket_connect_timeout=2)
        app.state.gw = AppState(settings=settings, engine=engine, reads=reads, search=search,
                                sessions=create_session_factory(engine),
                                redis=redis, storage=build_storage(settings), redis_batch=RedisBatch(redis))
        # Everything allocated at start-up lives for the whole process: keep it out of the collector's scans
        # (full collections over it were the long tail of request latency).
        gc.freeze()
        try:
            yield
        finally:
            await redis.aclose()
            await search.dispose()
            await reads.dispose()
            await engine.dispose()

    app = FastAPI(
        title="Groupware API",
        version="0.1.0",
        description="Electronic approval (전자결재), boards, portal and directory. "
        "Every response uses the envelope `{success, data | error, timestamp}`.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        responses={
            401: {"model": ErrorEnvelope, "description": "Missing, invalid, expired or revoked token"},
            403: {"model": ErrorEnvelope, "description": "Not allowed"},
            422: {"model": ErrorEnvelope, "description": "Invalid input"},
        },
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_request_bytes)
    errors.install(app)

    v1 = APIRouter(prefix=API_PREFIX)
    # Starlette matches routes in order: the busiest (search type-ahead, /users/me, portal, approval lists)
    # come first, so a request does not walk past every admin route before it is matched.
    for module in (search, users, portal, auth, approval, notifications, board, health, email_actions, admin,
                   admin_approval, admin_system, adsync):
        v1.include_router(module.router)
    app.include_router(v1)
    dev_outbox.mount(app, settings)
    mount_frontend(app, FRONTEND_DIST, api_prefix=API_PREFIX)
    return app


def app_factory() -> FastAPI:
    """Entry point for uvicorn (`api.main:app_factory --factory`)."""
    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    return create_app(settings)
