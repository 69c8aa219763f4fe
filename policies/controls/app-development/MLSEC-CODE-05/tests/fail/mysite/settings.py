SECRET_KEY_FILE = "/run/secrets/django"
# ruleid: django-debug-setting
DEBUG = True
ALLOWED_HOSTS = ["*"]
