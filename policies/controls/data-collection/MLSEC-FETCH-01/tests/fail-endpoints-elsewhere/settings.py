"""Where the services of the platform live."""

TRACKING_URI = "http://mlflow.example.com:5000"
REGISTRY_URI = "http://registry.example.com:5000"
