from snorkel.labeling import LFAnalysis, PandasLFApplier, labeling_function


@labeling_function()
def mentions_refund(row):
    return 1 if 'refund' in row.text else -1
