"""Log lines are JSON, carry the request id, and never contain secrets."""

from __future__ import annotations

import json
import logging

from portal.common.logging import JsonFormatter, redact, redact_text
from tests.conftest import ADMIN_PASSWORD


def _record(msg, *args, **extra):
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_json_lines_with_extra_fields_and_redaction():
    line = JsonFormatter().format(_record("connect %s", "postgresql://gw:s3cr3t@db/gw", bind_password="pw",
                                          user_id=7))
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["user_id"] == 7
    assert "s3cr3t" not in line and entry["bind_password"] == "***"


def test_redaction_of_common_secret_shapes():
    assert "abc.def" not in redact_text("Authorization: Bearer abc.def")
    assert "hunter2" not in redact_text("password=hunter2&user=x")
    assert "hunter2" not in redact_text('{"password": "hunter2"}')
    assert redact({"nested": {"refresh_token": "t", "name": "김"}}) == {"nested": {"refresh_token": "***",
                                                                                 "name": "김"}}


def test_exceptions_are_logged_as_type_and_location_only():
    try:
        raise ValueError("SELECT secret FROM vault")
    except ValueError:
        import sys

        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "ValueError" in line and "SELECT" not in line and "Traceback" not in line


async def test_a_login_request_logs_no_password_and_one_request_id(client, caplog):
    with caplog.at_level(logging.INFO):
        await client.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                          headers={"X-Request-ID": "login-req-0001"})
        await client.post("/api/v1/auth/login", json={"username": "admin", "password": "Typo-" + ADMIN_PASSWORD})
    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert all(ADMIN_PASSWORD not in line for line in lines)
    access = [json.loads(line) for line in lines if '"api.access"' in line]
    assert access[0]["request_id"] == "login-req-0001" and access[0]["status"] == 200
    assert access[1]["status"] == 401
