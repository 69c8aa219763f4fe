from robustbench.eval import benchmark


def run(model):
    return benchmark(model, dataset='cifar10', threat_model='Linf')
