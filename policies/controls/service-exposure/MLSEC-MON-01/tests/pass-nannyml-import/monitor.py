import nannyml as nml

ESTIMATOR = nml.CBPE
