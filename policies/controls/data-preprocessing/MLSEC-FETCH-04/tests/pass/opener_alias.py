"""Archives opened through an opener picked by format, extracted safely."""

import tarfile
import zipfile


def unpack_by_format(archive_path, out_dir, kind):
    if kind == "tar":
        opener = tarfile.open
    else:
        opener = zipfile.ZipFile
    with opener(archive_path) as bundle:
        if isinstance(bundle, zipfile.ZipFile):
            # ok: tar-extract-without-filter
            bundle.extractall(out_dir, members=[i for i in bundle.infolist() if not i.is_dir()])
        else:
            # ok: tar-extract-own-member-check
            bundle.extractall(out_dir, filter="data")


def unpack_tar(archive_path, out_dir):
    read_tar = tarfile.open
    with read_tar(archive_path, "r:gz") as packed:
        # ok: tar-extract-without-filter
        packed.extractall(out_dir, filter="data")


def unpack_either(archive_path, out_dir):
    if archive_path.endswith((".tar.gz", ".tgz")):
        opener = tarfile.open
    else:
        opener = zipfile.ZipFile
    with opener(archive_path) as bundle:
        if isinstance(bundle, zipfile.ZipFile):
            # zipfile strips unsafe path components itself
            # ok: tar-extract-without-filter
            bundle.extractall(out_dir)
        else:
            bundle.extractall(out_dir, filter="data")


def unpack_files_only(archive_path, out_dir, kind):
    if kind == "tar":
        opener = tarfile.open
    else:
        opener = zipfile.ZipFile
    with opener(archive_path) as bundle:
        if zipfile.is_zipfile(archive_path):
            # ok: tar-extract-own-member-check
            bundle.extractall(out_dir, members=[n for n in bundle.namelist() if not n.endswith("/")])
        else:
            bundle.extractall(out_dir, filter="data")
