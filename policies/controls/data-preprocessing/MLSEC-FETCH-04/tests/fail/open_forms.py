import io
import tarfile


def _inside(tar, root):
    # names only: a link entry passes
    return [m for m in tar.getmembers() if not m.name.startswith(("/", ".."))]


def from_bytes(payload, target):
    # ruleid: tar-extract-without-filter
    tarfile.TarFile(fileobj=io.BytesIO(payload)).extractall(target)


def from_bytes_checked(payload, target):
    tar = tarfile.TarFile(fileobj=io.BytesIO(payload))
    # ruleid: tar-extract-own-member-check
    tarfile.TarFile(fileobj=io.BytesIO(payload)).extractall(target, members=_inside(tar, target))


def plain_tar(path, target):
    with tarfile.TarFile(path) as tar:
        # ruleid: tar-extract-without-filter
        tar.extractall(target)


def plain_tar_checked(path, target):
    with tarfile.TarFile(path) as tar:
        # ruleid: tar-extract-own-member-check
        tar.extractall(target, members=_inside(tar, target))


def class_open(path, target):
    with tarfile.TarFile.open(path, "r:*") as tar:
        # ruleid: tar-extract-without-filter
        tar.extractall(target)


def class_open_checked(path, target):
    with tarfile.TarFile.open(path, "r:*") as tar:
        # ruleid: tar-extract-own-member-check
        tar.extractall(target, _inside(tar, target))


def assigned(path, target):
    tar = tarfile.TarFile(path)
    # ruleid: tar-extract-without-filter
    tar.extractall(target)
    tar.close()


def assigned_checked(path, target):
    tar = tarfile.TarFile(path)
    # ruleid: tar-extract-own-member-check
    tar.extractall(target, members=_inside(tar, target))
    tar.close()


def opened_checked(path, target):
    # ruleid: tar-extract-own-member-check
    tarfile.open(path).extractall(target, members=_inside(tarfile.open(path), target))


def assigned_open_checked(path, target):
    tar = tarfile.open(path)
    # ruleid: tar-extract-own-member-check
    tar.extractall(target, members=_inside(tar, target), filter="fully_trusted")


def handed_in(archive, target):
    print(len(archive.getmembers()), "entries")
    # ruleid: tar-extract-without-filter
    archive.extractall(target)


def handed_in_checked(archive, target):
    sizes = sum(m.size for m in archive.getmembers())
    print(sizes)
    # ruleid: tar-extract-own-member-check
    archive.extractall(target, members=_inside(archive, target))


def handed_in_names_checked(archive, target):
    print(archive.getnames())
    # ruleid: tar-extract-own-member-check
    archive.extractall(target, members=_inside(archive, target))


def one_entry(archive, name, target):
    info = archive.getmember(name)
    print(info.size)
    # ruleid: tar-extract-without-filter
    archive.extractall(target)


def one_entry_checked(archive, name, target):
    info = archive.getmember(name)
    print(info.size)
    # ruleid: tar-extract-own-member-check
    archive.extractall(target, members=_inside(archive, target))
