FROM python:3.11-slim
RUN pip install --no-cache-dir evidently==0.4.40 \
    && useradd -m app
