import shutil
import tarfile


def unpack_reviews(archive, target):
    with tarfile.open(archive) as tar:
        # ruleid: tar-extract-without-filter
        tar.extractall(target)


def unpack_checkpoint(archive, target):
    # ruleid: tar-extract-without-filter
    tarfile.open(archive, "r:gz").extractall(path=target)


def unpack_one(archive, name, target):
    tar = tarfile.open(archive)
    # ruleid: tar-extract-without-filter
    tar.extract(name, target, filter="fully_trusted")
    tar.close()


def unpack_everything(archive, target):
    with tarfile.open(archive) as tar:
        # ruleid: tar-extract-all-members
        tar.extractall(target, members=tar.getmembers())


def unpack_any(archive, target):
    # ruleid: unpack-archive-without-filter
    shutil.unpack_archive(archive, target)
