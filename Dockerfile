# kokona: a gunicorn image. TLS ends at the proxy in front; PostgreSQL runs elsewhere.
#   docker build -t kokona .
# The base is a build argument so that a machine which cannot pull python:3.12-slim can build on a
# stand-in with Python 3.12 on PATH (`make image-check` makes one: docker/image-check.sh).
ARG BASE_IMAGE=python:3.12-slim

FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /venv
COPY . .
# Where pip finds packages when the builder's network needs it (a mirror; a proxy's CA bundle that
# the base holds): empty by default and then left to pip. They show in the image's history, so
# never put a password in them.
ARG PIP_INDEX_URL=""
ARG PIP_EXTRA_INDEX_URL=""
ARG PIP_TRUSTED_HOST=""
ARG PIP_CERT=""
# Production settings with throwaway secrets: the build only compiles and collects files.
ARG BUILD_ENV="DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build STATIC_ROOT=/app/.static \
FIELD_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= FIELD_HASH_KEY=build-only"
# Installed in place (-e): settings find templates/, static/ and locale/ beside the code in /app.
RUN [ -n "$PIP_INDEX_URL" ] || unset PIP_INDEX_URL; \
    [ -n "$PIP_EXTRA_INDEX_URL" ] || unset PIP_EXTRA_INDEX_URL; \
    [ -n "$PIP_TRUSTED_HOST" ] || unset PIP_TRUSTED_HOST; \
    [ -n "$PIP_CERT" ] || unset PIP_CERT; \
    /venv/bin/pip install -e . \
    && env $BUILD_ENV /venv/bin/python manage.py compilemessages \
    && env $BUILD_ENV /venv/bin/python manage.py collectstatic --noinput

FROM ${BASE_IMAGE}
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=kokona.settings STATIC_ROOT=/app/.static PORT=8000
# WeasyPrint (the year-end report's PDF) draws text with Pango, in a Japanese font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-ipafont-gothic \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin kokona
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
# Owned by root and read-only to the app: it writes nothing to disk.
USER kokona
EXPOSE 8000
# Migrations run as their own step before a new version starts, as the database owner:
# `python manage.py migrate` with MIGRATE_DATABASE_URL set (compose.yaml's `migrate` service).
# The import worker is the same image running `python manage.py db_worker` (compose's `worker`).
CMD ["sh", "-c", "exec gunicorn kokona.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips ${FORWARDED_ALLOW_IPS:-127.0.0.1}"]
