# radar-probe container image.
#   docker build -t radar-probe .
#   docker run --rm -p 9464:9464 radar-probe                                  # daemon with the bundled config.yaml
#   docker run --rm radar-probe --scenario smoke --target https://staging.example.com
#
# Base image: the exact Node.js release the test suite runs on (scripts/node-runtime/package.json), on Debian 13 slim.
# Pinned as tag@digest so that a rebuild gets the same bytes; the tag says what it is, the digest is what is pulled.
# scripts/pin-base-image.sh writes this line (docs/node-runtime.md says when and how). Until it has been run for the
# current version the line holds the tag alone, which docker resolves to whatever the tag points at that day.
ARG NODE_IMAGE=node:24.22.3-trixie-slim

# --- build: all dependencies, compile TypeScript -------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci resolves every entry of the lockfile, including the dev-only link to the test runtime's manifest.
COPY scripts/node-runtime/package.json ./scripts/node-runtime/
# --ignore-scripts: `prepare` would run tsc before the sources are here; no dependency needs an install script.
# --omit=optional: the optional packages are the test runtime's Node binary and extras the compiler does not use.
RUN npm ci --ignore-scripts --omit=optional --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY probes ./probes
RUN npm run build

# --- runtime: production dependencies and compiled output only ---------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# The bundled config.yaml binds daemon.listen to ${PROBE_LISTEN:-127.0.0.1}: every interface inside the container, so
# `docker run -p 9464:9464` and the kubelet reach it; a laptop run outside the image stays on loopback.
ENV PROBE_LISTEN=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/probes ./dist/probes
COPY config.yaml ./config.yaml
# the JSON Schema its first line names, for an editor opened on a copy of the file
COPY config.schema.json ./config.schema.json
# `probe` on PATH, as npm would install the bin: a link to the entry point, which carries its own shebang.
# Node resolves the link to /app/dist/src, so imports and node_modules are found from there.
# /app/data is the default incidents.stateDir for `docker run`; in Kubernetes a volume at /var/lib/radar-probe.
RUN chmod 0755 dist/src/cli.js \
 && ln -s /app/dist/src/cli.js /usr/local/bin/probe \
 && groupadd --system --gid 10001 probe \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin probe \
 && mkdir -p /app/data /var/lib/radar-probe /etc/radar-probe \
 && chown 10001:10001 /app/data /var/lib/radar-probe
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
# Under a steady probe rate Node.js grows its young generation to 64 MB per semi-space; 8 MB costs no measurable CPU
# and about 90 MB less resident memory at 1,000 endpoints (docs/performance.md). V8 reads it only at start, hence
# here. `docker run -e NODE_OPTIONS=...` replaces this default as a whole: add the flag there to keep it.
ENV NODE_OPTIONS=--max-semi-space-size=8
# glibc malloc keeps freed memory for reuse: after V8 compiles undici's HTTP parser (WebAssembly) on a worker thread,
# ~10 MB of compiler scratch memory stays resident in that thread's arena for good. With a fixed threshold, blocks of
# 32 kB and more are mapped on their own and returned when freed (docs/performance.md "Memory"). Read at start from
# the environment; the Deployment's env keeps it (it replaces NODE_OPTIONS only).
ENV MALLOC_MMAP_THRESHOLD_=32768
EXPOSE 9464
# /healthz fails once the evaluation loop has not completed a cycle for 3 intervals (a wedged daemon, not just a
# dead one). The image has no curl: node asks. A one-shot run (`--scenario ...`) exits long before the first check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["probe"]
CMD ["daemon"]
