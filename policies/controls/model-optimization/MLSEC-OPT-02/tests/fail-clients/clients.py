import litellm
import mlflow
import openai
from huggingface_hub import InferenceClient
from langchain_community.llms import HuggingFaceTextGenInference
from langchain_openai import AzureChatOpenAI, ChatOpenAI
from mlflow.tracking import MlflowClient

# ruleid: model-api-plaintext
reply = litellm.completion(model="gpt-4o", messages=[], api_base="http://llm.example-vendor.com")
# ruleid: model-api-plaintext
chat = ChatOpenAI(model="m", openai_api_base="http://gateway.example-vendor.com/v1")
# ruleid: model-api-plaintext
azure = AzureChatOpenAI(azure_endpoint="http://team.example-cloud.com/", api_version="2024-06-01")
# ruleid: model-api-plaintext
hub = InferenceClient(model="m", endpoint_url="http://tgi.example-cloud.com")
# ruleid: model-api-plaintext
tgi = HuggingFaceTextGenInference(inference_server_url="http://tgi.example-cloud.com:8080/")
# ruleid: model-api-plaintext
openai.base_url = "http://llm.example-vendor.com/v1/"
# ruleid: model-api-plaintext
openai.api_base = "http://llm.example-vendor.com/v1"
# ruleid: model-api-plaintext
mlflow.set_registry_uri("http://registry.example.org")
# ruleid: model-api-plaintext
tracker = MlflowClient("http://mlflow.example.org")
# ruleid: model-api-plaintext
registry = MlflowClient(tracking_uri="http://mlflow.example.org")
