import os
import shutil
import tarfile
import zipfile


def unpack_reviews(archive, target):
    with tarfile.open(archive) as tar:
        # ok: tar-extract-without-filter
        tar.extractall(target, filter="data")


def unpack_checked(archive, target):
    root = os.path.realpath(target)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            destination = os.path.realpath(os.path.join(root, member.name))
            if not destination.startswith(root + os.sep) or member.issym() or member.islnk():
                raise ValueError(f"unsafe archive member {member.name}")
        # ok: tar-extract-without-filter
        tar.extractall(root)


def unpack_selected(archive, target):
    with tarfile.open(archive) as tar:
        wanted = [m for m in tar.getmembers() if m.isfile() and not os.path.isabs(m.name)]
        # ok: tar-extract-without-filter, tar-extract-all-members
        tar.extractall(target, members=wanted, filter="data")


def unpack_zip(archive, target):
    with zipfile.ZipFile(archive) as bundle:
        # zipfile removes absolute and parent path components itself
        # ok: tar-extract-without-filter
        bundle.extractall(target)
    # ok: unpack-archive-without-filter
    shutil.unpack_archive("bundle.zip", target)


def unpack_any(archive, target):
    # ok: unpack-archive-without-filter
    shutil.unpack_archive(archive, target, filter="data")


def unpack_tool(payload, target):
    import io

    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:") as tar:
        # one member the code names itself
        binary = tar.getmember("bin/tool")
        # ok: tar-extract-without-filter, tar-extract-own-member-check
        tar.extract(binary, target)
        # ok: tar-extract-without-filter, tar-extract-own-member-check
        tar.extract("bin/helper", target)


def unpack_regular_files(archive, target):
    with tarfile.open(archive) as tar:
        regular = [m for m in tar.getmembers() if m.isfile() and ".." not in m.name]
        # ok: tar-extract-without-filter, tar-extract-own-member-check
        tar.extractall(target, members=regular)


def unpack_skipping_links(archive, target):
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.issym() or member.islnk():
                continue
            # ok: tar-extract-without-filter, tar-extract-own-member-check
            tar.extract(member, target, filter="data")
