import pandas as pd

frame = pd.read_csv('people.csv')
# ruleid: protected-attribute-used
groups = frame['gender']
