import sklearn
import pandas as pd

# ruleid: training-data-loaded
frame = pd.read_csv('corpus/tags.tsv', sep='\t')
