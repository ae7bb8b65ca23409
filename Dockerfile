# Image for the source-centra Airbyte connector.
#
#   docker build -t airbyte/source-centra:dev .
#   docker run --rm airbyte/source-centra:dev spec
#
# BASE_IMAGE defaults to Airbyte's Python connector base image, the same one that metadata.yaml
# names in connectorBuildOptions.baseImage (unit_tests/test_metadata.py checks that they match).
# Where Docker Hub is unreachable, build on any Debian-like image with python3 + venv instead, e.g.
# the one .ci/docker-test.sh makes with debootstrap:
#   docker build --build-arg BASE_IMAGE=local/debian-python:bookworm -t airbyte/source-centra:dev .
# The RUN steps work on both: Airbyte's base (python at /usr/local/bin, user `airbyte` present)
# and a plain Debian (python3 at /usr/bin, no `airbyte` user: one is created with uid 1000).
# Build with the classic builder or BuildKit; no `# syntax=` line and no heredocs on purpose,
# so no image has to be pulled besides BASE_IMAGE.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.1.0@sha256:1d1aa21d34e851df4e8a87b391c27724c06e2597608e7161f4d167be853bd7b6
FROM ${BASE_IMAGE}

# The base may end as a non-root user; installing needs root. The last USER line drops it again.
USER root

# PATH is spelled out in full: an image made with `docker import` may carry no PATH at all.
ENV VIRTUAL_ENV=/airbyte/venv \
    PATH=/airbyte/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /airbyte/integration_code

# 1) Non-root user and virtualenv. The interpreter is whichever python3 the base has.
RUN set -eu; \
    py="$(command -v python3 || command -v python)"; \
    "$py" -c 'import sys, venv; assert (3, 10) <= sys.version_info[:2] < (3, 14), sys.version'; \
    if ! id -u airbyte >/dev/null 2>&1; then \
        if getent passwd 1000 >/dev/null 2>&1; then \
            useradd --create-home --shell /bin/sh airbyte; \
        else \
            useradd --uid 1000 --user-group --create-home --shell /bin/sh airbyte; \
        fi; \
    fi; \
    "$py" -m venv "$VIRTUAL_ENV"

# 2) Dependencies only: exactly the versions in poetry.lock, exported with their hashes by
#    scripts/lock.sh (pip resolves nothing: --no-deps, and --require-hashes rejects any other file).
#    This layer is reused while only the code changes.
COPY requirements.txt requirements-build.txt ./
RUN set -eu; \
    pip install --quiet --no-deps --require-hashes -r requirements.txt; \
    pip install --quiet --no-deps --require-hashes -r requirements-build.txt

# 3) The connector itself, built by the locked poetry-core, without resolving anything. The wheel
#    holds source_centra/ only (the fake Centra is a dev tool and stays out of the image). The
#    build backend is removed afterwards; `pip check` proves the lock covered every runtime
#    dependency of the connector.
COPY pyproject.toml README.md ./
COPY source_centra ./source_centra
RUN set -eu; \
    pip install --quiet --no-deps --no-build-isolation . ; \
    pip uninstall --quiet --yes poetry-core; \
    pip check; \
    rm -rf build; \
    source-centra spec >/dev/null

ENV AIRBYTE_ENTRYPOINT="source-centra"
ENTRYPOINT ["source-centra"]

LABEL io.airbyte.name=airbyte/source-centra \
      io.airbyte.version=0.3.6

USER airbyte
