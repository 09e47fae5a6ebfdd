# syntax=docker/dockerfile:1
# Build: docker build -t peerline .
# Run:   docker run -d --name peerline -v peerline-data:/data \
#          -e PEERLINE_TOKEN_FILE=/run/secrets/peerline_token \
#          -e PEERLINE_KEY_FILE=/run/secrets/peerline_key peerline
# (or -e PEERLINE_TOKEN=... for a quick try; keep the key file off the data volume).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN mkdir -p /out/data && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/peerline ./cmd/peerline

FROM debian:bookworm-slim AS tz
RUN apt-get update && apt-get install -y --no-install-recommends tzdata ca-certificates && rm -rf /var/lib/apt/lists/*

FROM scratch
COPY --from=tz /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=tz /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/peerline /peerline
# /data exists in the image owned by the runtime user, so a new named volume is writable by it.
COPY --from=build --chown=65532:65532 /out/data /data
# A non-root user (no shell, no home); /data must be writable by it.
USER 65532:65532
ENV PEERLINE_DATA=/data TZ=Europe/Kyiv
VOLUME ["/data"]
ENTRYPOINT ["/peerline"]
CMD ["run"]
