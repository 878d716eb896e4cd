# syntax=docker/dockerfile:1
#
# Campfire on PocketBase in a container.
#
#   docker build -t campfire .
#   docker run -d --name campfire -p 8080:8080 -v campfire-data:/pb_data campfire
#
# Data (SQLite databases, uploads, backups, TLS certificates) lives in the /pb_data volume, never in
# the image. JS hooks go in /pb_hooks and JS migrations in /pb_migrations (mount them read-only).
# Configuration: CAMPFIRE_* environment variables (docs/operations.md).

# 1. The web app: frontend/ builds into pb_public/ (the Makefile's frontend target).
FROM node:20-bookworm AS web
WORKDIR /src
COPY Makefile ./
COPY frontend/ frontend/
RUN make frontend

# 2. The binary (the Makefile's build-go target), with the web app embedded. PocketBase v0.40 needs
#    Go 1.27: the go command fetches the pinned toolchain.
FROM golang:1.26-bookworm AS build
ENV GOTOOLCHAIN=go1.27.3 CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/pb_public/ pb_public/
ARG VERSION=docker
RUN make build-go VERSION=$VERSION BIN=/out/campfire \
 && mkdir -p /out/pb_data /out/pb_hooks /out/pb_migrations

# 3. The runtime: a static binary on distroless, as the unprivileged "nonroot" user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/campfire /campfire
COPY --from=build --chown=65532:65532 /out/pb_data /pb_data
COPY --from=build --chown=65532:65532 /out/pb_hooks /pb_hooks
COPY --from=build --chown=65532:65532 /out/pb_migrations /pb_migrations
USER nonroot:nonroot
VOLUME /pb_data
EXPOSE 8080
ENV CAMPFIRE_HEALTHCHECK_URL=http://127.0.0.1:8080/api/health
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/campfire", "healthcheck", "--url", "http://127.0.0.1:8080/api/health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/campfire"]
CMD ["serve", "--http", "0.0.0.0:8080", "--dir", "/pb_data"]
