# Multi-stage image: build a wheel-installed virtualenv, then copy it into a slim runtime as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/bangtin
COPY pyproject.toml README.md ./
COPY bangtin ./bangtin
COPY core ./core
COPY admin ./admin
COPY bot ./bot
COPY media ./media
COPY i18n ./i18n
RUN /opt/bangtin/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/bangtin/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN groupadd --system bangtin && useradd --system --gid bangtin --home-dir /srv/bangtin --create-home bangtin
COPY --from=build /opt/bangtin /opt/bangtin
ENV PATH=/opt/bangtin/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BANGTIN_DATA_DIR=/srv/bangtin/var \
    BANGTIN_HOST=0.0.0.0 \
    BANGTIN_PORT=8000
WORKDIR /srv/bangtin
# Both exist owned by bangtin, so a fresh named volume mounted on either (compose.yaml) is writable.
RUN mkdir -p /srv/bangtin/var /srv/bangtin/backups && chown bangtin:bangtin /srv/bangtin/var /srv/bangtin/backups
USER bangtin
VOLUME ["/srv/bangtin/var"]
EXPOSE 8000
# The port the app listens on (BANGTIN_PORT), not a fixed 8000.
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os,urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('BANGTIN_PORT', '8000')).status != 200)"
# BANGTIN_SECRET_KEY and BANGTIN_BASE_URL (the public address; HOST is 0.0.0.0 here) must be set
# (docker run -e BANGTIN_SECRET_KEY=… -e BANGTIN_BASE_URL=https://…); `bangtin up` migrates on start.
# Production with PostgreSQL, Redis and TLS: compose.yaml.
CMD ["bangtin", "up"]
