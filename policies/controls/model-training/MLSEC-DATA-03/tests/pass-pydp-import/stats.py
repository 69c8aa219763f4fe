import pydp as dp

mean = dp.algorithms.laplacian.BoundedMean(epsilon=1.0, lower_bound=0, upper_bound=120)
