import torch

# ruleid: torch-hub-load-unpinned
midas = torch.hub.load("intel-isl/MiDaS", "MiDaS_small")
# ruleid: torch-hub-load-unpinned
yolo = torch.hub.load("ultralytics/yolov5:v7.0", "yolov5s", pretrained=True)


def load(repo):
    # ruleid: torch-hub-trust-repo
    return torch.hub.load(repo, "resnet18", trust_repo=True)


# ruleid: torch-hub-load-unpinned
dino = torch.hub.load(repo_or_dir="facebookresearch/dinov2", model="dinov2_vits14")
# ruleid: torch-hub-load-unpinned
entrypoints = torch.hub.list("pytorch/vision:v0.17.0")
# ruleid: torch-hub-load-unpinned
print(torch.hub.help("pytorch/vision", "resnet18"))
