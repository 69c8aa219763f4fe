"""Loaders that receive the caller's pin and lose it on the way."""

import huggingface_hub
from huggingface_hub import hf_hub_download
from transformers import AutoTokenizer, BertTokenizer, CLIPVisionModel, PretrainedConfig


class AdapterMixin:
    def load_adapter(self, name_or_path, encoder_folder="image_encoder", **kwargs):
        revision = kwargs.pop("revision", None)
        cache_dir = kwargs.pop("cache_dir", None)
        weights = hf_hub_download(name_or_path, "adapter.safetensors", revision=revision)
        dtype = {"dtype": self.dtype} if self.dtype else {}
        # ruleid: hub-revision-dropped
        encoder = CLIPVisionModel.from_pretrained(
            name_or_path, subfolder=encoder_folder, cache_dir=cache_dir, **dtype
        )
        shared = {"cache_dir": cache_dir, "low_cpu_mem_usage": True}
        # ruleid: hub-revision-dropped
        extra = CLIPVisionModel.from_pretrained(encoder_folder, **shared)
        return weights, encoder, extra


def load_tokenizer(model_id, revision="main", use_fast=True):
    # ruleid: hub-revision-dropped
    return AutoTokenizer.from_pretrained(model_id, use_fast=use_fast)


class PatchedEncoder(CLIPVisionModel):
    @classmethod
    def from_pretrained(cls, name_or_path, *args, **kwargs):
        # ruleid: hub-revision-dropped
        config = PretrainedConfig.from_pretrained(name_or_path)
        kwargs["config"] = config
        return super().from_pretrained(name_or_path, *args, **kwargs)


class QFormer:
    def __init__(self, config):
        self.config = config
        # ruleid: hub-id-from-config
        self.tokenizer = BertTokenizer.from_pretrained(config.tokenizer, truncation_side="right")
        # ruleid: hub-id-from-config
        self.vision = CLIPVisionModel.from_pretrained(self.config.vision_model)


def fetch_weights(repo_id, filename, revision):
    # ruleid: hub-revision-dropped
    return hf_hub_download(repo_id, filename)


def fetch_snapshot(repo_id, **options):
    pinned = options.get("revision")
    # ruleid: hub-revision-dropped
    folder = huggingface_hub.snapshot_download(repo_id=repo_id)
    return folder, pinned


def fetch_from_config(config):
    # ruleid: hub-id-from-config
    vocab = hf_hub_download(config.vocab_repo, "vocab.json")
    # ruleid: hub-id-from-config
    return vocab, huggingface_hub.snapshot_download(config.assets_repo)


def load_api_tokenizer(base_model, revision=None):
    if base_model.startswith("mistral-"):
        # the repository is written here, not the caller's model: the caller's revision pins
        # another one (an unpinned literal is reported by the literal-id checks)
        # ok: hub-revision-dropped
        # ruleid: hub-model-unpinned
        return AutoTokenizer.from_pretrained("mistralai/Mistral-7B-Instruct-v0.2")
    # ruleid: hub-revision-dropped
    return AutoTokenizer.from_pretrained(base_model)
