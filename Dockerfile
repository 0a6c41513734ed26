# A thin wrapper over the scripts CI runs: the same setup, the same run command.
FROM debian:12
WORKDIR /tracegate
COPY . .
RUN scripts/setup && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    && cmake --build build
EXPOSE 9090
# Inside the container the gateway binds every interface, so it requires a token:
# docker run -e TRACEGATE_TOKEN=secret -p 9090:9090 tracegate
ENV TRACEGATE_BIND=0.0.0.0
CMD ["sh", "-c", "exec scripts/run --bind \"$TRACEGATE_BIND\" --port 9090"]
