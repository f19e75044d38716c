# wattswarm node image, built from this repository: docker build -t wattswarm .
# Build stage: the same Maven build the ./wattswarm launcher runs (tests are run in CI, not here).
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

# Run stage: a JRE, the CLI jar and its dependencies, one state dir per container.
FROM eclipse-temurin:21-jre
RUN useradd --system --home-dir /var/lib/wattswarm --create-home wattswarm
COPY --from=build /src/wattswarm-cli/target/wattswarm-cli-*.jar /opt/wattswarm/
COPY --from=build /src/wattswarm-cli/target/lib/ /opt/wattswarm/lib/
USER wattswarm
# 7777: control plane (bearer token in the state dir); 4001: p2p substrate (unused with WATTSWARM_SUBSTRATE=nats)
EXPOSE 7777 4001
VOLUME /var/lib/wattswarm
ENV WATTSWARM_CONTROL_HOST=0.0.0.0 \
    WATTSWARM_CONTROL_PORT=7777
ENTRYPOINT ["sh", "-c", "exec java --enable-native-access=ALL-UNNAMED $WATTSWARM_JAVA_OPTS -cp \"$(ls /opt/wattswarm/wattswarm-cli-*.jar):/opt/wattswarm/lib/*\" dev.wattswarm.cli.Main --state-dir /var/lib/wattswarm \"$@\"", "wattswarm"]
CMD ["node", "up", "--mode", "network"]
