# Turnabout: one image for the app servers and the task workers (see docs/deploy.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TURNABOUT_VAR_DIR=/var/lib/turnabout

# curl for the health check; every Python dependency installs from wheels.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . \
    && useradd --system --home /var/lib/turnabout --create-home turnabout \
    && SECRET_KEY=build-only-not-used-at-run-time DEBUG=0 turnabout collectstatic --no-input \
    && chown -R turnabout /var/lib/turnabout

USER turnabout
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:8000/health/ || exit 1
# App servers by default; workers run `turnabout worker --queue default` (or matching).
CMD ["gunicorn", "turnabout.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"]
