import torch

# ruleid: torch-hub-load-unpinned
midas = torch.hub.load("intel-isl/MiDaS", "MiDaS_small")
# ruleid: torch-hub-load-unpinned
yolo = torch.hub.load("ultralytics/yolov5:v7.0", "yolov5s", pretrained=True)


def load(repo):
    # ruleid: torch-hub-trust-repo
    return torch.hub.load(repo, "resnet18", trust_repo=True)
