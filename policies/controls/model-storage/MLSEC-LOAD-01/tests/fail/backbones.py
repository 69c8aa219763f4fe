from torch.utils import model_zoo
from torchvision.models.utils import load_state_dict_from_url
from torchvision._internally_replaced_utils import load_state_dict_from_url as fetch_weights

RESNET50_URL = "https://download.pytorch.org/models/resnet50-0676ba61.pth"


def resnet50_weights():
    # ruleid: torch-hub-state-dict-unrestricted
    return model_zoo.load_url(RESNET50_URL, map_location="cpu")


def legacy_torchvision_weights(url):
    # ruleid: torch-hub-state-dict-unrestricted
    return load_state_dict_from_url(url, progress=True)


def vendored_torchvision_weights(url):
    # ruleid: torch-hub-state-dict-unrestricted
    return fetch_weights(url, progress=False)
