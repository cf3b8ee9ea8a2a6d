"""The development outbox page: lists caught mail with clickable links, and exists only in development."""

from __future__ import annotations

from email.message import EmailMessage

import httpx

from api.main import create_app
from tests.conftest import make_settings


async def _get(settings, path):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            return await http.get(path)


async def test_outbox_lists_mail_and_links_in_development_only(services, database, redis, tmp_path):
    maildir = tmp_path / "mail"
    maildir.mkdir()
    msg = EmailMessage()
    msg["Subject"], msg["To"] = "[결재 요청] <b>견적</b>", "lead@example.com"
    msg.set_content("열기: http://localhost:8000/api/v1/approval/email-actions/abc123")
    (maildir / "1764230000000000000-0123abcd.eml").write_bytes(msg.as_bytes())
    dev = make_settings(services, database, env="development", data_dir=tmp_path, smtp_host=None)

    listing = await _get(dev, "/dev/outbox")
    assert listing.status_code == 200 and "lead@example.com" in listing.text
    assert "<b>견적</b>" not in listing.text and "&lt;b&gt;" in listing.text
    page = await _get(dev, "/dev/outbox/1764230000000000000-0123abcd.eml")
    assert '<a href="http://localhost:8000/api/v1/approval/email-actions/abc123">' in page.text
    for bad in ("/dev/outbox/..%2F..%2Fetc%2Fpasswd", "/dev/outbox/nothing.eml"):
        assert (await _get(dev, bad)).status_code == 404

    not_dev = make_settings(services, database, env="test", data_dir=tmp_path, smtp_host=None)
    assert (await _get(not_dev, "/dev/outbox")).status_code == 404
