# meetpad-bridge: the container that takes the place of jitsi/jvb in docker-compose.yml.
#
#   docker build -t meetpad-bridge .            (or: docker compose build jvb)
#
# SWIFT_IMAGE must be an official Swift image whose toolchain builds this package (the project is
# developed with Swift 6.3.1) on the same Debian release as RUNTIME_IMAGE, so the -dev packages the
# build links against and the runtime libraries installed below are the same Debian versions.
ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- build: release binary, Swift runtime linked statically ------------------------------------
FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
# The C libraries' headers and .so links (libsrtp2-dev, libssl-dev, libusrsctp-dev, libexpat1-dev,
# pkg-config), and libnice's STUN library built static from Debian's source: the same scripts
# `make run` uses.
COPY scripts/install-deps.sh scripts/install-nice-stun.sh scripts/
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
# Dependencies first, so source edits do not re-fetch them (Package.resolved is used when present).
COPY Package.swift Package.resolved* ./
RUN swift package resolve
# Tests/ and the load harness are copied because Package.swift declares their folders (only the
# bridge is built).
COPY Sources Sources
COPY Tests Tests
COPY Benchmarks/LoadHarness Benchmarks/LoadHarness
# The release build flags `make run` and the benchmarks use too (the Swift runtime linked in).
COPY scripts/release-build-flags scripts/release-build-flags
RUN env -u MEETPAD_CORE_ONLY swift build $(cat scripts/release-build-flags) --product meetpad-bridge \
    && install -D -m 0755 "$(swift build $(cat scripts/release-build-flags) --show-bin-path)/meetpad-bridge" /out/meetpad-bridge

# --- runtime: slim Debian with only the shared libraries the bridge links ------------------------
FROM ${RUNTIME_IMAGE}
# scripts/install-runtime-libs.sh is the single list of runtime packages; scripts/check-image.sh
# runs the same script in a debootstrapped bookworm root and checks ldd there (make check-image).
COPY scripts/install-runtime-libs.sh /tmp/install-runtime-libs.sh
RUN /tmp/install-runtime-libs.sh && rm /tmp/install-runtime-libs.sh \
    && useradd --system --uid 1000 --user-group --home-dir /nonexistent --no-create-home \
               --shell /usr/sbin/nologin meetpad
COPY --from=build /out/meetpad-bridge /usr/local/bin/meetpad-bridge

# uid 1000, as the upstream images' unprivileged user; the bridge needs no capability (ports > 1024).
USER meetpad
# Media (JVB_PORT, default 10000/udp) and the private HTTP listener (health, drain, stats, metrics).
EXPOSE 10000/udp 8080/tcp
# SIGTERM starts the graceful shutdown (no new conferences; exit once the last endpoint has left or
# JVB_GRACEFUL_SHUTDOWN_MAX_DURATION passed; an empty bridge exits at once); a second SIGTERM exits
# at once. docker stop sends SIGKILL after its timeout: see stop_grace_period in docker-compose.yml.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
    CMD ["curl", "--fail", "--silent", "--show-error", "--max-time", "4", "http://127.0.0.1:8080/about/health"]
# Configuration comes from the upstream jvb environment names (docker-compose.yml). The HTTP
# listener binds every interface of the container, as upstream's private server (0.0.0.0:8080);
# compose publishes it on the host's loopback only.
ENTRYPOINT ["/usr/local/bin/meetpad-bridge"]
CMD ["--http-host", "0.0.0.0"]
