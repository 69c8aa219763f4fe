import torch

# ok: torch-hub-load-unpinned, torch-hub-trust-repo
midas = torch.hub.load("intel-isl/MiDaS:bc5d2c1e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c", "MiDaS_small", trust_repo=True)
# ok: torch-hub-load-unpinned, torch-hub-trust-repo
local = torch.hub.load("third_party/midas", "MiDaS_small", source="local", trust_repo=True)


def load(repo):
    # the repository is configuration here; its value is unknown
    # ok: torch-hub-load-unpinned
    return torch.hub.load(repo, "resnet18")


# ok: torch-hub-load-unpinned, torch-hub-trust-repo
dino = torch.hub.load(
    repo_or_dir="facebookresearch/dinov2:e1277af2ba9496fbadf7aec6eba56e8d882d1e35",
    model="dinov2_vits14",
    trust_repo=True,
)
