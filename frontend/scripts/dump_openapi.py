"""Prints the API's OpenAPI schema as JSON without starting any service (used by `npm run gen:api`).

`create_app()` only builds routes and middleware; the database, Redis and Temporal are opened in the
lifespan, which never runs here. Settings are fixed (test environment, no `.env`) so the schema does not
depend on the machine: the dev-only outbox is not mounted and nothing is read from the environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from api.main import create_app  # noqa: E402
from portal.settings import Settings  # noqa: E402


def main() -> None:
    settings = Settings(env="test", _env_file=None)
    schema = create_app(settings).openapi()
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
