# syntax=docker/dockerfile:1
# fastapi-mvc in a container: the image's command is `fastapi-mvc`.
#
#   docker build -t fastapi-mvc .
#   docker run --rm -it -u "$(id -u):$(id -g)" -v "$PWD:/work" fastapi-mvc new /work/myapp
#
# Two stages: `build` installs the tool and its dependencies into a virtual environment; the final
# stage adds only what `new` runs besides Python (git for the project's first commit and for the
# template versions, make for the project's `make install`). The base image is pinned by digest.

FROM python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254 AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/fastapi-mvc
WORKDIR /src

# The dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN /opt/fastapi-mvc/bin/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/requirements.txt \
    && /opt/fastapi-mvc/bin/pip install --no-cache-dir -r /tmp/requirements.txt

# Then the tool, with its template and generators (and the template history bundle) inside.
COPY README.md ./
COPY template/ template/
COPY generators/ generators/
COPY fastapi_mvc/ fastapi_mvc/
RUN /opt/fastapi-mvc/bin/pip install --no-cache-dir --no-deps .


FROM python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254

LABEL org.opencontainers.image.title="fastapi-mvc" \
      org.opencontainers.image.description="Create, extend and update production-ready FastAPI projects"

# DL3008 (pin apt package versions) is ignored on purpose: the base image is pinned by digest, and
# Debian stable replaces git's package with each security update and drops the old version from
# its mirrors, so a pinned version would break the build instead of making it reproducible.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git make \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /opt/fastapi-mvc /opt/fastapi-mvc

# Any user may run the image (`-u "$(id -u):$(id -g)"`, so that the files it makes are yours):
# HOME and the template cache live in the world-writable /tmp.
ENV PATH=/opt/fastapi-mvc/bin:$PATH \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

USER 1000:1000
WORKDIR /work
ENTRYPOINT ["fastapi-mvc"]
CMD ["--help"]
