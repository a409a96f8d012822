# One image for the web process and the RQ workers.
#   docker build -t sparkhub .
#   docker run -p 8000:8000 --env-file .env sparkhub web
#   docker run --env-file .env sparkhub worker
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SPARKHUB_VAR_DIR=/var/lib/sparkhub \
    PROMETHEUS_MULTIPROC_DIR=/tmp/sparkhub-metrics \
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64

# Java 17 runs Spark; curl serves the HEALTHCHECK; tini reaps the workers' children; the JDBC
# drivers (PostgreSQL, SQLite) serve the lakehouse's jdbc source and sink (SPARK_JARS).
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl tini \
       libpostgresql-jdbc-java libxerial-sqlite-jdbc-java \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 sparkhub \
    && useradd --system --uid 10001 --gid sparkhub --home-dir /app --shell /usr/sbin/nologin sparkhub

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=sparkhub:sparkhub . .
RUN mkdir -p "$SPARKHUB_VAR_DIR" \
    && chown sparkhub:sparkhub "$SPARKHUB_VAR_DIR" \
    && SECRET_KEY=build-only REDIS_URL=redis://unused:6379/0 \
       python manage.py collectstatic --noinput --verbosity 0

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/app/deploy/entrypoint.sh", "health"]

ENTRYPOINT ["tini", "--", "/app/deploy/entrypoint.sh"]
CMD ["web"]
