import os
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


def _names_inside(members, root):
    # checks names only: a symbolic link named "data/x" pointing to /etc passes
    for info in members:
        if os.path.realpath(os.path.join(root, info.name)).startswith(root):
            yield info


def unpack_filtered(archive, target):
    with tarfile.open(archive) as tar:
        # ruleid: tar-extract-own-member-check
        tar.extractall(target, members=_names_inside(tar, target))


def unpack_given(tar, target, members=None):
    # the archive object is handed in; its members are listed below, so it is a tar file
    for member in tar.getmembers():
        if member.name.startswith("/") or ".." in member.name:
            raise ValueError(member.name)
    # ruleid: tar-extract-own-member-check
    tar.extractall(target, members)


def unpack_handed_in(bundle, target):
    print(bundle.getnames())
    # ruleid: tar-extract-without-filter
    bundle.extractall(target)


def unpack_logged(archive, target):
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            print("extracting", member.name)
        # ruleid: tar-extract-all-members
        tar.extractall(target, members=tar.getmembers())


def unpack_defaults_spelled_out(archive, target):
    with tarfile.open(archive) as tar:
        # ruleid: tar-extract-without-filter
        tar.extractall(path=target, members=None, numeric_owner=False)


def unpack_positional_defaults(archive, target):
    with tarfile.open(archive) as tar:
        # ruleid: tar-extract-without-filter
        tar.extractall(target, None, numeric_owner=True)


def unpack_names_checked(archive, target):
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.isdir():
                continue
            if os.path.isabs(member.name) or ".." in member.name:
                raise ValueError(f"unsafe path {member.name}")
        # ruleid: tar-extract-own-member-check
        tar.extractall(target)
