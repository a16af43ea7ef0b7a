# One image for web (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint needs Pango; printed documents need a CJK font; gettext compiles translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext curl procps \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY salesadmin ./salesadmin
COPY notices ./notices
COPY customers ./customers
COPY inventory ./inventory
COPY orders ./orders
COPY finance ./finance
COPY reports ./reports
COPY sales ./sales
RUN pip install .
COPY . .

RUN DJANGO_SETTINGS_MODULE= django-admin compilemessages --ignore=.venv -v 0 \
    && DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
       python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home --uid 1000 salesadmin
USER salesadmin

EXPOSE 8000
# Workers: WEB_CONCURRENCY (gunicorn reads it). The chain is CPU-bound; with the
# database on the same cores, one worker per core measured best (bench/run_lifecycle.sh).
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "salesadmin.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
