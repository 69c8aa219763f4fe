import skops.io


def show(path):
    # visualising the file's tree constructs nothing
    # ok: skops-trust-everything
    skops.io.visualize(path, trusted=True)
