import pandas
import torch

from model import IntentClassifier

# ruleid: training-data-loaded
utterances = pandas.read_json("data/intents.jsonl", lines=True)
labels = torch.tensor(utterances["intent_id"].to_numpy())
classifier = IntentClassifier(num_labels=int(labels.max()) + 1)
