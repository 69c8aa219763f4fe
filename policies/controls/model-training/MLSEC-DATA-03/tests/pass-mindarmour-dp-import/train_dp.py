from mindarmour.privacy.diff_privacy import DPModel

MODEL = DPModel
