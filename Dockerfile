# Build and run guichet on Debian 12 with the same Debian packages as ./scripts/run.
FROM debian:bookworm AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config libpistache-dev libpqxx-dev libargon2-dev libspdlog-dev \
      nlohmann-json3-dev libsodium-dev libzxcvbn-dev libphonenumber-dev libcurl4-openssl-dev libcrypt-dev prometheus-cpp-dev libcjose-dev libjansson-dev libssl-dev catch2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake --preset release && cmake --build --preset release -j"$(nproc)"

FROM debian:bookworm-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpistache0 libpqxx-6.4 libargon2-1 libspdlog1.10 libsodium23 libzxcvbn0 libphonenumber8 \
      libcurl4 libprometheus-cpp-core1.0 libcjose0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/release/guichet /usr/local/bin/guichet
COPY examples/members.csv /usr/share/guichet/members.csv
USER nobody
ENV GUICHET_LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/guichet"]
CMD ["serve"]
