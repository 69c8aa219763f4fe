import sklearn
import pandas as pd

# ruleid: training-data-loaded
frame = pd.read_csv('data/intents/train.jsonl')
