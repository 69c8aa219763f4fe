"""Where the services of the platform live."""

TRACKING_URI = "https://mlflow.example.com"
REGISTRY_URI = "http://localhost:5000"
