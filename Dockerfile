FROM python:3.11-slim
WORKDIR /srv/claimdesk
COPY pyproject.toml README.md requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY app ./app
COPY workers ./workers
COPY config ./config
COPY migrations ./migrations
RUN pip install --no-cache-dir --no-deps . \
 && mkdir -p /srv/claimdesk/instance /var/lib/claimdesk/archive \
 && chown -R nobody /srv/claimdesk/instance /var/lib/claimdesk
ENV ENV=production
USER nobody
EXPOSE 8000
CMD ["claimdesk", "web", "--host", "0.0.0.0", "--port", "8000"]
