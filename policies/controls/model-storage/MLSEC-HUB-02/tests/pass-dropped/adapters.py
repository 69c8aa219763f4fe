"""Loaders that pass the caller's pin on."""

import huggingface_hub
from huggingface_hub import hf_hub_download
from transformers import AutoTokenizer, BertTokenizer, CLIPVisionModel, PretrainedConfig


class AdapterMixin:
    def load_adapter(self, name_or_path, encoder_folder="image_encoder", **kwargs):
        revision = kwargs.pop("revision", None)
        cache_dir = kwargs.pop("cache_dir", None)
        weights = hf_hub_download(name_or_path, "adapter.safetensors", revision=revision)
        dtype = {"dtype": self.dtype} if self.dtype else {}
        # ok: hub-revision-dropped
        encoder = CLIPVisionModel.from_pretrained(
            name_or_path, subfolder=encoder_folder, revision=revision, **dtype
        )
        shared = {"cache_dir": cache_dir, "revision": revision}
        # ok: hub-revision-dropped
        extra = CLIPVisionModel.from_pretrained(encoder_folder, **shared)
        # ok: hub-revision-dropped
        more = CLIPVisionModel.from_pretrained(encoder_folder, **kwargs)
        return weights, encoder, extra, more


def load_tokenizer(model_id, revision="main", use_fast=True):
    # ok: hub-revision-dropped
    return AutoTokenizer.from_pretrained(model_id, revision=revision, use_fast=use_fast)


def load_local(model_dir):
    # ok: hub-revision-dropped
    return AutoTokenizer.from_pretrained(model_dir, local_files_only=True)


class PatchedEncoder(CLIPVisionModel):
    @classmethod
    def from_pretrained(cls, name_or_path, *args, **kwargs):
        # ok: hub-revision-dropped
        config = PretrainedConfig.from_pretrained(name_or_path, **kwargs)
        kwargs["config"] = config
        return super().from_pretrained(name_or_path, *args, **kwargs)


class QFormer:
    def __init__(self, config):
        self.config = config
        # ok: hub-id-from-config
        self.tokenizer = BertTokenizer.from_pretrained(config.tokenizer, revision=config.revision)
        # ok: hub-id-from-config
        self.vision = CLIPVisionModel.from_pretrained(self.config.vision_model, **config.hub_options)


def fetch_cached(repo_id, filename, revision):
    # ok: hub-revision-dropped
    local = hf_hub_download(repo_id, filename, local_files_only=True)
    # ok: hub-revision-dropped
    card = hf_hub_download(repo_id, "README.md", repo_type="dataset")
    # ok: hub-revision-dropped
    demo = huggingface_hub.snapshot_download(repo_id, repo_type="space")
    return local, card, demo


def fetch_from_config(config):
    # ok: hub-id-from-config
    vocab = hf_hub_download(config.vocab_repo, "vocab.json", local_files_only=True)
    # ok: hub-id-from-config
    labels = hf_hub_download(config.labels_repo, "labels.json", repo_type="dataset")
    return vocab, labels
