FROM python:3.11-slim
RUN pip install --no-cache-dir pipeline-dp==0.2.1 \
    && useradd -m app
