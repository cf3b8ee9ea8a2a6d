"""Liveness and readiness (PostgreSQL, Redis, Temporal checked one by one)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import StateDep
from portal.common.logging import describe_exception
from portal.common.schemas import Envelope, ok

router = APIRouter(prefix="/health", tags=["health"])
CHECK_TIMEOUT = 3.0


@router.get("", operation_id="health_live", response_model=Envelope[dict[str, str]])
async def live() -> Envelope[dict[str, str]]:
    """Liveness: the process answers. Public."""
    return ok({"status": "ok"})


async def _timed(name: str, check: Any) -> tuple[str, dict[str, Any]]:
    start = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT)
        result: dict[str, Any] = {"status": "ok"}
    except Exception as exc:  # readiness reports every failure, whatever it is
        result = {"status": "error", "error": describe_exception(exc)["type"].rsplit(".", 1)[-1]}
    result["latency_ms"] = round((time.perf_counter() - start) * 1000, 1)
    return name, result


@router.get("/ready", operation_id="health_ready", response_model=Envelope[dict[str, Any]],
            responses={503: {"description": "one or more dependencies are down"}})
async def ready(state: StateDep) -> Any:
    """Readiness: each backing service checked separately. Public; 503 if any is down."""

    async def postgres() -> None:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def redis() -> None:
        await state.redis.ping()

    async def temporal() -> None:
        client = await state.temporal()
        await client.service_client.check_health()

    results = dict(await asyncio.gather(
        _timed("postgres", postgres), _timed("redis", redis), _timed("temporal", temporal)
    ))
    healthy = all(r["status"] == "ok" for r in results.values())
    body = ok({"status": "ok" if healthy else "degraded", "checks": results})
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if healthy else 503)
