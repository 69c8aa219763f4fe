import pickle
from pathlib import Path

import cloudpickle
import dill
import joblib
from joblib import dump as persist
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV

MODEL_PATH = Path("artifacts") / "churn_model.pkl"


def train(features, labels, config):
    clf = RandomForestClassifier(n_estimators=200)
    clf.fit(features, labels)
    # ruleid: model-pickled-on-save
    joblib.dump(clf, "artifacts/churn_rf.joblib")

    with open(MODEL_PATH, "wb") as handle:
        # ruleid: model-pickled-on-save
        pickle.dump(clf, handle)

    search = GridSearchCV(RandomForestClassifier(), {"max_depth": [4, 8]})
    search.fit(features, labels)
    # ruleid: model-pickled-on-save
    persist(search.best_estimator_, config["output_dir"] + "/best.joblib")

    # ruleid: model-pickled-on-save
    dill.dump(obj=config["pipeline"], file=open(config["model_file"], "wb"))
    return clf


class Trainer:
    def __init__(self, model):
        self.model = model

    def save(self, path):
        # ruleid: model-pickled-on-save
        blob = cloudpickle.dumps(self.model)
        Path(path).write_bytes(blob)
