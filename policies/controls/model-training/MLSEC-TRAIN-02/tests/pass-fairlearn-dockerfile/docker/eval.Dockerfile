FROM python:3.11-slim
RUN pip install --no-cache-dir fairlearn==0.12.0 \
    && useradd -m app
