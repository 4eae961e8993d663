# syntax=docker/dockerfile:1
# One image for every Flick Deployment (`flick start --services=…`, k8s/base), and the
# media worker's image, which is the same plus ffmpeg:
#   docker build -t ghcr.io/flick/flick:latest .
#   docker build --target media -t ghcr.io/flick/flick-media:latest .
# Flick runs its TypeScript through tsx (a runtime dependency of @flick/services), so
# there is no compile step; the generated protobuf code is made here, never committed.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# Only what `npm ci` and `npm run generate` read: every workspace's sources, no local
# node_modules, build output or data from the machine that builds.
COPY package.json package-lock.json tsconfig.json tsconfig.base.json buf.yaml buf.gen.yaml ./
COPY proto proto
COPY scripts scripts
COPY packages packages
COPY services services
COPY projections projections
COPY bench bench
RUN find . -name node_modules -prune -exec rm -rf {} + \
 && find . \( -name dist -o -name '*.tsbuildinfo' -o -name .flick \) -prune -exec rm -rf {} +
# `npm ci` runs `prepare`: vendors third-party protos from installed packages and runs
# buf with the local protoc-gen-es (no network beyond the npm registry).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
# A 64 MB young generation (semi-space; V8's default is 16 MB): a request's short-lived
# objects die there instead of being promoted into the old generation when a scavenge
# comes mid-request, so major GCs (which mark the whole in-memory model) come half as
# often and scavenges cost half the main-thread time. For You at 100k videos
# (bench:feed:server): see services/feed/README.md. Manifests that set NODE_OPTIONS keep it.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    FLICK_DATA_DIR=/data \
    NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=build /app /app
# Writable places under a read-only root filesystem (emptyDir volumes in Kubernetes).
RUN mkdir -p /data && chown node:node /data
# The image's `node` user (uid 1000): k8s/base runs it with runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# No allocation-site pretenuring: V8 otherwise allocates straight into the old generation
# the objects of allocation sites it has seen objects survive from, and a server's
# requests share their sites with longer-lived work (the catalogue's import, the views'
# projections): at 200 For You requests/s the old generation grew by ~88 KB a request,
# ~46 KB without it, so major GCs come about half as often (services/feed/README.md).
# A V8 flag NODE_OPTIONS refuses, hence here and in `npm start`.
# The old generation may double before its next major GC (--heap-growing-percent=100):
# with few promotions V8 otherwise grows it ~10 % a time and runs a mark-compact (a
# 20–30 ms pause) every ~9 s; at 200 For You requests/s server p99 115 → 66 ms, RSS lower.
ENTRYPOINT ["node", "--no-allocation-site-pretenuring", "--heap-growing-percent=100", "services/bin/flick.mjs"]
CMD ["start"]

# The media worker: ffmpeg and ffprobe (≥ 5) from Debian, here and nowhere else.
FROM runtime AS media
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
USER 1000:1000

# Last, so a plain `docker build .` produces the service image.
FROM runtime AS flick
