"""Service settings with credentials written in, in the phrasings real code uses."""

import argparse
import os
from dataclasses import dataclass

from pydantic import BaseModel, Field

COMET_KEY = os.environ.get("COMET_API_KEY", "0lR8acRYSi4MDF8kWCBX1KpeZ")
AWS_SECRET = os.getenv("AWS_SECRET_ACCESS_KEY", "55KuQdBN7VHik5qNvO8fy5lShwlQOmOSZ1MtkW17")
SECRET_KEY = '$(IiGKrzBYXH;olHY{a13!)@#*!)il3C31U0lVvw'
STORAGE = "DefaultEndpointsProtocol=https;AccountName=mlfeatures;AccountKey=e90me+BU/vs7PeHZXTPlblrJE3jAe4haR7K8XyZCB6IAUUJcTa/RXcrzEBZshBfTf39VMBlMJzjtPrcWC3f5fM==;EndpointSuffix=core.windows.net"
ALERTS = "https://hooks.slack.com/services/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"
HEADERS = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtdHJhaW5lciIsImlhdCI6MTczMjQwNjQwMH0.QzKEe7-PR9qR-hMjNzRf7-SKZSDK_Vb2x2kRVIIWKaN"}
os.environ["SLACK_APP_TOKEN"] = "xapp-1-AD3QSILWNRU-2691445754453-1f7fe688bcc2a8fd7b7a95a47d309504a4c7b2afd91a7297ec552eb0d81bc8f3"
STS_KEY = "ABIABAMCS2G7EOLXPDAC"
upload_token = "0o0BMRS2O0qr1BkGJrxnjscEuLk1gTZ7"


@dataclass
class TrackerConfig:
    project: str = "churn"
    api_key: str = "UaLJ4d8jOCs4bWYTI6wLqeeHq1PkCJVu"


class ServeSettings(BaseModel):
    signing_secret: str = Field(default="HXDYzEzVMGPBnu3mY2lhm12F")


def connect(host: str, password: str = "DHHIUr%QdMftdK") -> None:
    print(host)


parser = argparse.ArgumentParser()
parser.add_argument("--db-password", default="PzmV4eAk5M7ByFgD")
