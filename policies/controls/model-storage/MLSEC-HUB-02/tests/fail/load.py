from huggingface_hub import hf_hub_download, snapshot_download
from sentence_transformers import SentenceTransformer
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

BASE = "example-org/review-sentiment"
RELEASE = "v1.2"

# ruleid: hub-model-unpinned
tokenizer = AutoTokenizer.from_pretrained(BASE)
# ruleid: hub-model-unpinned
model = AutoModelForSequenceClassification.from_pretrained(BASE, revision="main")
# ruleid: hub-model-unpinned
legacy = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", revision=RELEASE)
# ruleid: hub-model-unpinned
weights = hf_hub_download(repo_id="example-org/review-sentiment", filename="model.safetensors")
# ruleid: hub-model-unpinned
folder = snapshot_download("example-org/review-sentiment", allow_patterns=["*.json"])
# ruleid: hub-model-unpinned
classify = pipeline("text-classification", model="example-org/review-sentiment")
# ruleid: hub-model-unpinned
encoder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
# a branch of the repository, not a commit
# ruleid: hub-model-unpinned
half = AutoModelForSequenceClassification.from_pretrained(BASE, revision="fp16")
# ruleid: hub-model-unpinned
proposal = AutoModelForSequenceClassification.from_pretrained(BASE, revision="refs/pr/22")


def configuration_only():
    from diffusers import DDIMScheduler
    from transformers import AutoConfig

    # ruleid: hub-config-unpinned
    config = AutoConfig.from_pretrained("example-org/review-sentiment")
    # ruleid: hub-config-unpinned
    scheduler = DDIMScheduler.from_pretrained("example-org/image-diffusion", subfolder="scheduler")
    return config, scheduler


def configuration_by_module():
    import transformers

    # ruleid: hub-config-unpinned
    return transformers.AutoConfig.from_pretrained("example-org/review-sentiment")


def adapter_onto_base():
    from peft import PeftConfig, PeftModel, PeftModelForCausalLM

    adapter = "example-org/review-sentiment-lora"
    # the adapter's configuration names the base model loaded next: not settings only
    # ruleid: hub-model-unpinned
    settings = PeftConfig.from_pretrained(adapter)
    base = AutoModelForSequenceClassification.from_pretrained(settings.base_model_name_or_path)
    # ruleid: hub-model-unpinned
    tuned = PeftModel.from_pretrained(base, adapter)
    # ruleid: hub-model-unpinned
    causal = PeftModelForCausalLM.from_pretrained(base, model_id="example-org/chat-lora")
    return tuned, causal


def adapter_settings_as_a_template():
    from peft import LoraConfig

    # only the settings are read and reused: no model is loaded from what they name
    # ruleid: hub-config-unpinned
    template = LoraConfig.from_pretrained("example-org/review-sentiment-lora")
    template.r = 16
    return template


# Offline or not is the caller's choice, but the repository is this code's: whenever the
# flag is off (here by default) the default branch is downloaded, and nothing can pin it.
def safety_checker(local_files_only=False):
    # ruleid: hub-model-unpinned
    return AutoModelForSequenceClassification.from_pretrained("example-org/safety-checker", local_files_only=local_files_only)


class Converter:
    def __init__(self, offline: bool):
        self.offline = offline

    def text_encoder(self):
        # ruleid: hub-model-unpinned
        return AutoTokenizer.from_pretrained(BASE, subfolder="tokenizer", local_files_only=self.offline)


def clip_config(settings):
    from transformers import CLIPTextConfig

    name = "example-org/clip-large"
    # ruleid: hub-config-unpinned
    return CLIPTextConfig.from_pretrained(name, local_files_only=settings.get("offline", False))
