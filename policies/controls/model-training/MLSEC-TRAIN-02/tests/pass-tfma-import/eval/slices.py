import tensorflow_model_analysis as tfma

SLICES = [tfma.SlicingSpec(feature_keys=['gender'])]
