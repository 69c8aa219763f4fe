import os

SECRET_KEY_FILE = "/run/secrets/django"
# ok: django-debug-setting
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["sentiment.example.org"]
