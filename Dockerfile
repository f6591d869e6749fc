# sysctl-lint in a container: build with the Swift image, ship a small runtime image.
#   docker build -t sysctl-lint .
#   docker run --rm -v "$PWD:/src" sysctl-lint /src/sysctl.conf
# The binary links the Swift runtime statically, so the runtime image needs nothing but glibc.
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-noble AS build
WORKDIR /build
COPY . .
RUN swift build -c release --static-swift-stdlib --product sysctl-lint \
 && install -m 0755 .build/release/sysctl-lint /usr/local/bin/sysctl-lint \
 && strip /usr/local/bin/sysctl-lint

FROM ubuntu:24.04
COPY --from=build /usr/local/bin/sysctl-lint /usr/local/bin/sysctl-lint
RUN useradd --system --no-create-home lint
USER lint
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/sysctl-lint"]
