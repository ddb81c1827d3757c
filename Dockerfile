# rollguard-controller image: built on Debian bookworm (the packages the project is developed
# against), run on a slim bookworm with only the shared libraries it links, as a non-root user with
# a read-only root filesystem (the manifests set readOnlyRootFilesystem: true).
#   docker build -t rollguard/rollguard-controller:0.1.0 .
FROM debian:bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev libyaml-cpp-dev \
      libspdlog-dev libcli11-dev prometheus-cpp-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DROLLGUARD_TESTS=OFF \
    && cmake --build /build --target rollguard-controller \
    && strip /build/bin/rollguard-controller

FROM debian:bookworm-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      ca-certificates libssl3 libyaml-cpp0.7 libspdlog1.10 libfmt9 libboost-json1.81.0 libboost-url1.81.0 \
      libprometheus-cpp-core1.0 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/bin/rollguard-controller /usr/local/bin/rollguard-controller
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/rollguard-controller"]
