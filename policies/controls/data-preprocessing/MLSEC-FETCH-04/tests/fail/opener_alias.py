"""Archives opened through tarfile.open kept under another name."""

import os
import tarfile
import zipfile


def _inside(base, name):
    target = os.path.realpath(os.path.join(base, name))
    return target.startswith(os.path.realpath(base))


def _names_inside(archive, base):
    # a name check only: a link can still point anywhere
    for entry in archive:
        if _inside(base, entry.name):
            yield entry


def unpack_by_format(archive_path, out_dir, formats=("tar", "zip")):
    for kind in formats:
        if kind == "tar":
            opener = tarfile.open
            probe = tarfile.is_tarfile
        elif kind == "zip":
            opener = zipfile.ZipFile
            probe = zipfile.is_zipfile
        else:
            raise ValueError(kind)
        if probe(archive_path):
            with opener(archive_path) as bundle:
                if zipfile.is_zipfile(archive_path):
                    bundle.extractall(out_dir)
                else:
                    # ruleid: tar-extract-own-member-check
                    bundle.extractall(out_dir, members=_names_inside(bundle, out_dir))
            return True
    return False


def unpack_tar(archive_path, out_dir):
    read_tar = tarfile.open
    with read_tar(archive_path, "r:gz") as packed:
        # ruleid: tar-extract-without-filter
        packed.extractall(out_dir)


def unpack_selected(archive_path, out_dir):
    read_tar = tarfile.open
    with read_tar(archive_path) as packed:
        chosen = list(_names_inside(packed, out_dir))
        # ruleid: tar-extract-own-member-check
        packed.extractall(path=out_dir, members=chosen)


def unpack_release(archive_path, out_dir):
    if archive_path.endswith((".tar.gz", ".tgz")):
        opener = tarfile.open
    else:
        opener = zipfile.ZipFile
    with opener(archive_path) as bundle:
        # ruleid: tar-extract-without-filter
        bundle.extractall(out_dir)
