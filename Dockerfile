# syntax=docker/dockerfile:1
# Waymark production image. Built by `docker compose build` (see docs/deploy.md).
#
# No secret is baked in: SECRET_KEY, passwords and URLs with credentials come from the
# environment when a container starts. The process runs as an unprivileged user.
FROM python:3.11-slim-bookworm

# PostgreSQL client tools of the same major version as the db service in
# docker-compose.yml: pg_dump cannot dump a newer server, and `manage.py restore_drill`
# (RR-3, docs/backup.md) runs pg_dump and pg_restore from this image.
ARG PG_MAJOR=16

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=apps.settings \
    WAYMARK_ENV=production \
    WAYMARK_DATA_DIR=/app/data

# postgresql-common ships the PostgreSQL apt repository's signing key and the script
# that adds the repository; Debian's own client is a different major version.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates postgresql-common; \
    /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/*; \
    pg_dump --version

RUN groupadd --system --gid 10001 waymark \
    && useradd --system --uid 10001 --gid waymark --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin waymark

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Every file is checked
# against the lock's hashes: a tampered or substituted package stops the build (SR-23).
COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/base.lock

# Code and assets belong to root: the app user can read them but not change them.
COPY . .

# Build-time only: compile the message catalogs and collect the static files (with
# WhiteNoise's manifest, which only the production storage writes). The production
# settings refuse to load without these values; the placeholders below live for this
# one RUN step, are not kept in the image's environment, and nothing is contacted.
RUN set -eu; \
    export SECRET_KEY=build-time-placeholder-never-used-at-run-time-0123456789abcdef \
        ALLOWED_HOSTS=build.invalid \
        DATABASE_URL=postgres://build@build.invalid:5432/build \
        CELERY_BROKER_URL=redis://build.invalid:6379/0 \
        HTTPS=true; \
    python manage.py compile_catalogs; \
    python manage.py collectstatic --noinput; \
    install -d -o waymark -g waymark -m 0750 /app/beat

USER waymark:waymark

EXPOSE 8000

CMD ["gunicorn", "-c", "apps/gunicorn_conf.py", "apps.wsgi:application"]
