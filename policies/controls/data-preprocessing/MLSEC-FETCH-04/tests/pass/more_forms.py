import logging
import shutil
import tarfile

log = logging.getLogger(__name__)


def with_default_filter(path, target):
    with tarfile.open(path) as tar:
        tar.extraction_filter = tarfile.data_filter
        # ok: tar-extract-without-filter
        tar.extractall(target)


def with_default_filter_checked(path, target):
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            log.debug("entry %s", member.name)
        tar.extraction_filter = getattr(tarfile, "data_filter", None)
        # ok: tar-extract-own-member-check
        tar.extractall(target, members=[m for m in tar.getmembers() if m.size < 2**30])


def config_only(path, target):
    with tarfile.open(path) as tar:
        # ok: tar-extract-without-filter
        tar.extract("config.json", target)


def config_only_after_listing(path, target):
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            log.debug("entry %s", member.name)
        # ok: tar-extract-own-member-check
        tar.extract("config.json", target)


def weights_after_listing(path, target):
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            log.debug("entry %s", member.name)
        weights = tar.getmember("model.safetensors")
        # ok: tar-extract-own-member-check
        tar.extract(weights, target)


def every_member_filtered(path, target):
    with tarfile.open(path) as tar:
        # ok: tar-extract-all-members
        tar.extractall(target, members=tar.getmembers(), filter="data")


def regular_files_only(path, target):
    with tarfile.open(path) as tar:
        files = [m for m in tar.getmembers() if m.isreg()]
        # ok: tar-extract-without-filter, tar-extract-own-member-check
        tar.extractall(target, members=files)


def zip_by_format(path, target):
    # ok: unpack-archive-without-filter
    shutil.unpack_archive(path, target, format="zip")


def zip_positional(path, target):
    # ok: unpack-archive-without-filter
    shutil.unpack_archive(path, target, "zip")


def with_progress(path, target):
    from tqdm import tqdm

    with tarfile.open(path) as tar:
        # ok: tar-extract-own-member-check, tar-extract-all-members
        tar.extractall(target, members=tqdm(tar.getmembers(), desc="unpack"), filter="data")


def skipping_links(path, target):
    with tarfile.open(path) as tar:
        kept = []
        for member in tar.getmembers():
            if member.issym() or member.islnk():
                log.warning("skipping link %s", member.name)
                continue
            kept.append(member)
        # ok: tar-extract-without-filter, tar-extract-own-member-check
        tar.extractall(target, members=kept)
