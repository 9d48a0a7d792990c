# kokona: a gunicorn image. TLS ends at the proxy in front; PostgreSQL runs elsewhere.

FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /venv
COPY . .
# Production settings with throwaway secrets: the build only compiles and collects files.
ARG BUILD_ENV="DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build STATIC_ROOT=/app/.static \
FIELD_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= FIELD_HASH_KEY=build-only"
# Installed in place (-e): settings find templates/, static/ and locale/ beside the code in /app.
RUN /venv/bin/pip install -e . \
    && env $BUILD_ENV /venv/bin/python manage.py compilemessages \
    && env $BUILD_ENV /venv/bin/python manage.py collectstatic --noinput

FROM python:3.12-slim
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=kokona.settings STATIC_ROOT=/app/.static PORT=8000
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin kokona
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
USER kokona
EXPOSE 8000
# Migrations run as their own step before a new version starts, as the database owner:
# `python manage.py migrate` with MIGRATE_DATABASE_URL set (compose.yaml's `migrate` service).
CMD ["sh", "-c", "exec gunicorn kokona.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips ${FORWARDED_ALLOW_IPS:-127.0.0.1}"]
