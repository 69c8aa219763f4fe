FROM python:3.11-slim
RUN pip install --no-cache-dir giskard==2.14.0 \
    && useradd -m app
