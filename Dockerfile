# The tracker's image: the web app (gunicorn), the Celery worker and beat all run from it.
# Two stages, so that pip and its caches stay out of the image that runs.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
COPY requirements/base.txt /tmp/requirements.txt
RUN /venv/bin/pip install --no-compile -r /tmp/requirements.txt

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRACKER_ENV=production \
    TRACKER_VAR_DIR=/app/var \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    GUNICORN_BIND=0.0.0.0:8000
RUN groupadd --system --gid 10001 tracker \
    && useradd --system --uid 10001 --gid tracker --home-dir /app --no-create-home tracker
COPY --from=build /venv /venv
WORKDIR /app
COPY . .
# Static files are collected at build time (hashed names, compressed) and served by
# whitenoise; the key and hosts below exist only for this one command.
RUN DJANGO_SECRET_KEY=build-only-never-used-at-run-time-but-50-characters-long \
    DJANGO_ALLOWED_HOSTS=build \
    EMAIL_URL=consolemail:// python manage.py collectstatic --no-input --verbosity 0 \
    && mkdir -p /app/var && chown tracker:tracker /app/var
USER tracker
EXPOSE 8000
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]
