"""Feature caches read back with pickle-family loaders, some behind opt-in guards.

Each load is marked: ``guarded`` ones run only when someone opts in (the finding drops to low),
``unguarded`` ones look guarded but are not (the finding keeps the check's severity).
"""

import json
import marshal
import os
import pickle
from distutils.util import strtobool

import cloudpickle
import dill

from .settings import check_pickle_is_safe, in_safe_mode, is_pickle_loading_allowed, settings


class UnsafeLoadRefused(RuntimeError):
    pass


# --- environment switches ---------------------------------------------------------------


def env_raise_first(path):
    if not strtobool(os.environ.get("FEATURES_ALLOW_PICKLE", "false")):
        raise UnsafeLoadRefused("set FEATURES_ALLOW_PICKLE=1 to read pickled caches")
    with open(path, "rb") as handle:
        # ruleid: pickle-family-load
        return pickle.load(handle)  # guarded


def env_branch(blob):
    if os.getenv("TRUST_REMOTE_CODE", "").strip().lower() in ("1", "true", "yes"):
        # ruleid: pickle-family-load
        return dill.loads(blob)  # guarded
    return json.loads(blob)


def env_compare(blob):
    if os.environ.get("ALLOW_DANGEROUS_CACHE") != "1":
        raise PermissionError("dangerous cache loading is off")
    # ruleid: pickle-family-load
    return cloudpickle.loads(blob)  # guarded


def env_on_by_default(blob):
    if not strtobool(os.environ.get("FEATURES_TRUST_PICKLE", "true")):
        raise UnsafeLoadRefused("pickled caches are switched off")
    # ruleid: pickle-family-load
    return pickle.loads(blob)  # unguarded: the switch defaults to on


# --- flag parameters --------------------------------------------------------------------


def flag_raise_first(path, allow_pickle=False):
    if not allow_pickle:
        raise ValueError("pass allow_pickle=True to read a pickled cache")
    with open(path, "rb") as handle:
        # ruleid: pickle-family-load
        return pickle.load(handle)  # guarded


def flag_branch(path, *, trust_remote_code: bool = False):
    if path.endswith(".json"):
        with open(path) as handle:
            return json.load(handle)
    elif trust_remote_code:
        with open(path, "rb") as handle:
            # ruleid: pickle-family-load
            return dill.load(handle)  # guarded
    raise ValueError("refusing to unpickle without trust_remote_code=True")


class CacheReader:
    def __init__(self, root, allow_unsafe_deserialization: bool = False):
        self.root = root
        self.allow_unsafe_deserialization = allow_unsafe_deserialization

    def read(self, name):
        if self.allow_unsafe_deserialization is not True:
            raise UnsafeLoadRefused(name)
        with open(os.path.join(self.root, name), "rb") as handle:
            # ruleid: pickle-family-load
            return pickle.load(handle)  # guarded


def flag_on_by_default(path, allow_pickle_cache=True):
    if not allow_pickle_cache:
        raise ValueError("pickled caches are switched off")
    with open(path, "rb") as handle:
        # ruleid: pickle-family-load
        return pickle.load(handle)  # unguarded: the flag defaults to True


def flag_warns_only(blob, allow_pickle=False):
    if not allow_pickle:
        print("warning: unpickling a cache")
    # ruleid: pickle-family-load
    return pickle.loads(blob)  # unguarded: the guard does not stop anything


def flag_in_one_branch(blob, fmt, allow_pickle=False):
    if fmt == "strict":
        if not allow_pickle:
            raise ValueError("strict mode needs allow_pickle=True")
    # ruleid: pickle-family-load
    return pickle.loads(blob)  # unguarded: only the strict path checks


def flag_and_something(blob, verbose, allow_pickle=False):
    if verbose and not allow_pickle:
        raise ValueError("allow_pickle is off")
    # ruleid: pickle-family-load
    return pickle.loads(blob)  # unguarded: quiet callers skip the check


# --- checks that raise ------------------------------------------------------------------


def check_imported(path):
    check_pickle_is_safe()
    with open(path, "rb") as handle:
        # ruleid: pickle-family-load
        return pickle.load(handle)  # guarded


def _ensure_unsafe_loading_allowed():
    if not settings.allow_unsafe_loading:
        raise UnsafeLoadRefused("unsafe loading is disabled in the settings")


def check_local(blob):
    _ensure_unsafe_loading_allowed()
    # ruleid: pickle-family-load
    return cloudpickle.loads(blob)  # guarded


def check_predicate(blob):
    if not is_pickle_loading_allowed():
        raise UnsafeLoadRefused("pickle loading is not allowed here")
    # ruleid: pickle-family-load
    return dill.loads(blob)  # guarded


def check_pickle_allowed():
    return os.environ.get("FEATURES_ALLOW_PICKLE") == "1"


def check_result_ignored(blob):
    check_pickle_allowed()
    is_pickle_loading_allowed()
    # ruleid: pickle-family-load
    return pickle.loads(blob)  # unguarded: the answers are thrown away


def _verify_payload_safety(blob):
    if b"os.system" in blob:
        raise UnsafeLoadRefused("payload names os.system")


def check_of_the_content(blob):
    _verify_payload_safety(blob)
    # ruleid: pickle-family-load
    return pickle.loads(blob)  # unguarded: a blocklist on the data is no opt-in


# --- safe mode --------------------------------------------------------------------------


def safe_mode_parameter(raw, safe_mode=True):
    if safe_mode:
        raise UnsafeLoadRefused("code objects are refused in safe mode")
    # ruleid: marshal-load
    return marshal.loads(raw)  # guarded


def safe_mode_call(raw):
    if in_safe_mode():
        raise UnsafeLoadRefused("code objects are refused in safe mode")
    # ruleid: marshal-load
    return marshal.loads(raw)  # guarded


def safe_mode_setting(blob):
    if not settings.safe_mode:
        # ruleid: pickle-family-load
        return cloudpickle.loads(blob)  # guarded
    return json.loads(blob)


def safe_mode_off_by_default(raw, strict_mode=False):
    if strict_mode:
        raise UnsafeLoadRefused("strict mode refuses code objects")
    # ruleid: marshal-load
    return marshal.loads(raw)  # unguarded: strict mode is off unless asked for


def guard_after_the_load(blob, allow_pickle=False):
    # ruleid: pickle-family-load
    value = pickle.loads(blob)  # unguarded: checked too late
    if not allow_pickle:
        raise ValueError("too late")
    return value
