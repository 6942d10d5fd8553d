# syntax=docker/dockerfile:1
# hotreload in containers. Three stages:
#   build     oven/bun compiles the standalone binary for the image's platform
#             (linux x64 or arm64, glibc) with the same scripts/build.ts as a release,
#             and unpacks it from the release archive that builds.
#   dev-go    a Go dev image with hotreload as its entrypoint (.devcontainer/ uses it).
#   (last)    the small image: Debian slim + the binary, non-root. Debian rather than
#             distroless: hotreload runs your build and exec commands through `sh`.
#
#   docker build -t hotreload .                  # the small image
#   docker build --target dev-go -t hotreload-go .
# In your own image: COPY --from=hotreload /usr/local/bin/hotreload /usr/local/bin/
# As PID 1 hotreload stops the server on SIGTERM and reaps orphaned zombies: no --init
# needed. See docs/DOCKER.md.

ARG BUN_VERSION=1.4.5
# The one place the Go version is named (docs and compose refer to this ARG). Go supports
# its two newest releases: move this on when a new one comes out.
ARG GO_VERSION=1.27

FROM oven/bun:${BUN_VERSION} AS build
WORKDIR /src
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production
COPY LICENSE README.md ./
COPY src ./src
COPY scripts/build.ts ./scripts/build.ts
COPY scripts/release/archive.ts ./scripts/release/archive.ts
RUN bun scripts/build.ts --host --outdir /out && tar -xzf /out/hotreload-linux-*.tar.gz -C /out --strip-components=1 && /out/hotreload --version

FROM golang:${GO_VERSION}-bookworm AS dev-go
RUN useradd --create-home --uid 1000 --shell /bin/bash dev \
 && mkdir -p /home/dev/.cache \
 && chown dev:dev /home/dev/.cache
COPY --from=build --chmod=0755 /out/hotreload /usr/local/bin/hotreload
USER dev
WORKDIR /workspace
# A bind-mounted checkout owned by another uid makes go's VCS stamping fail.
ENV GOFLAGS=-buildvcs=false
EXPOSE 8080 3000
STOPSIGNAL SIGTERM
ENTRYPOINT ["hotreload"]

FROM debian:bookworm-slim AS hotreload
RUN useradd --create-home --uid 1000 --shell /bin/sh hotreload
COPY --from=build --chmod=0755 /out/hotreload /usr/local/bin/hotreload
USER hotreload
WORKDIR /workspace
STOPSIGNAL SIGTERM
ENTRYPOINT ["hotreload"]
