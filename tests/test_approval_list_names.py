"""Document lists carry the drafter's name (one query per page), so list screens need no second lookup."""

from __future__ import annotations

from typing import Any

import httpx

from tests.approval_helpers import draft


async def test_lists_and_boxes_name_the_drafter(client: httpx.AsyncClient, make_user: Any) -> None:
    drafter = await make_user(name="홍길동")
    other = await make_user(name="김철수")
    await draft(client, drafter["headers"])
    await draft(client, other["headers"])
    for url in ("/api/v1/approval/documents", "/api/v1/approval/boxes/drafts"):
        rows = (await client.get(url, headers=drafter["headers"])).json()["data"]
        assert rows and {r["author_name"] for r in rows} == {"홍길동"}, url
