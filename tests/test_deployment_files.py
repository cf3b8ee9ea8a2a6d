"""The deployment files stay in step with the code: compose registers every search attribute, and the
environment it gives the app is accepted by the production settings."""

from __future__ import annotations

import re
from pathlib import Path

from temporal.search_attributes import SEARCH_ATTRIBUTE_CLI_ARGS

ROOT = Path(__file__).resolve().parents[1]


def test_compose_registers_every_search_attribute():
    compose = (ROOT / "docker-compose.yml").read_text()
    registered = set(re.findall(r"\b([A-Z][A-Za-z]+)=(Keyword|KeywordList|Datetime|Int|Text|Bool|Double)\b",
                                compose))
    wanted = {tuple(arg.split("=")) for arg in SEARCH_ATTRIBUTE_CLI_ARGS if "=" in arg}
    assert wanted <= registered


def test_compose_settings_names_exist():
    from portal.settings import Settings

    compose = (ROOT / "docker-compose.yml").read_text()
    names = set(re.findall(r"^\s+GW_([A-Z0-9_]+):", compose, flags=re.M))
    fields = {name.upper() for name in Settings.model_fields}
    unknown = names - fields - {"DB_PASSWORD", "IMAGE", "WEB_PORT", "ADMIN_BIND"}
    assert not unknown, f"docker-compose.yml sets GW_ variables the app does not read: {sorted(unknown)}"
