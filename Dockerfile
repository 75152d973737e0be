# The production image: web (gunicorn), worker and beat (Celery) all run from it.
FROM python:3.11-slim

# PYTHONPATH: the code runs from /app (templates, static and locale sit beside it), never
# from the copy `pip install .` puts in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF care plans) renders through Pango and HarfBuzz; DejaVu gives it a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, against a stub package, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN mkdir lkt && touch lkt/__init__.py \
    && pip install . \
    && rm -rf lkt build ./*.egg-info

COPY . .
RUN pip install --no-deps . && rm -rf build ./*.egg-info

# Static files are collected at build; the key is a throwaway that never reaches a container.
RUN SECRET_KEY=collectstatic-build-only DEBUG=false python manage.py collectstatic --noinput

# Run unprivileged: the code is read-only to the app; /app/var holds celery beat's schedule and
# /app/var/media the documents (a volume in docker-compose, which takes this owner when new).
RUN useradd --system --create-home --home-dir /home/lkt --uid 10001 lkt \
    && mkdir -p /app/var/media \
    && chown -R lkt:lkt /app/var
USER lkt

EXPOSE 8000
CMD ["gunicorn", "lkt.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
