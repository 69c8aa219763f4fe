from snorkel.augmentation import transformation_function


@transformation_function()
def swap(x):
    return x
