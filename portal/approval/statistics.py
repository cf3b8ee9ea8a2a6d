"""Approval statistics for the admin page: documents per status and template, average time per step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_PER_STATUS = text("""
    SELECT document_type AS template, status, count(*) AS documents
    FROM approval_documents GROUP BY document_type, status ORDER BY document_type, status
""")

# A step starts when the previous step's last action happened (or at submission for the first step).
_STEP_TIMES = text("""
    WITH acted AS (
        SELECT l.document_id, l.step_order, max(l.acted_at) AS done
        FROM approval_lines l
        WHERE l.line_type IN ('approval', 'agreement') AND l.acted_at IS NOT NULL
        GROUP BY l.document_id, l.step_order
    ), spans AS (
        SELECT d.document_type, a.step_order,
               extract(epoch FROM a.done - coalesce(
                   (SELECT p.done FROM acted p WHERE p.document_id = a.document_id
                    AND p.step_order = a.step_order - 1), d.submitted_at)) AS seconds
        FROM acted a JOIN approval_documents d ON d.id = a.document_id
    )
    SELECT document_type AS template, step_order AS step, count(*) AS samples,
           round(avg(seconds)::numeric, 1) AS average_seconds
    FROM spans WHERE seconds IS NOT NULL GROUP BY document_type, step_order ORDER BY document_type, step_order
""")


async def summary(session: AsyncSession) -> dict[str, Any]:
    per_status = [dict(r._mapping) for r in (await session.execute(_PER_STATUS)).all()]
    steps = [
        {**dict(r._mapping), "average_seconds": float(r.average_seconds)}
        for r in (await session.execute(_STEP_TIMES)).all()
    ]
    totals: dict[str, int] = {}
    for row in per_status:
        totals[row["status"]] = totals.get(row["status"], 0) + row["documents"]
    return {"by_status": totals, "by_template_and_status": per_status, "average_step_time": steps}
