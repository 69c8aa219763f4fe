"""Which pickle imports are safe, which are dangerous, and why — allowlist first.

A pickle can import any importable name and call it. The judgement is made in this order:

1. **Allowed** — names a weights file legitimately needs and that cannot run code with the
   arguments a pickle can give them. The reference is PyTorch's own ``weights_only`` unpickler
   (tensor and storage rebuilders, dtypes, ``torch.Size``, ``collections.OrderedDict``,
   ``_codecs.encode``, ``builtins.set/bytearray/complex``, TorchScript's list builders in
   ``torch.jit._pickle``...), plus NumPy's array and dtype reconstruction and its
   random-generator constructors, scikit-learn / XGBoost / LightGBM / SciPy-sparse *classes*
   (constructed through ``__new__`` + ``__setstate__``, which only fill attributes),
   ``torch.nn`` module classes, joblib's array wrapper, ``argparse.Namespace`` and ``pathlib``
   paths, which training scripts routinely save in checkpoints.
2. **Dangerous** (critical) — modules and callables that execute commands or code, import
   arbitrary names, load another pickle, open files or sockets, or hand out arbitrary
   attributes: the union of the deny-lists of picklescan, ModelScan and fickling and of the
   published bypasses of those lists (``pkgutil.resolve_name``, ``pip``, ``ensurepip``,
   ``timeit``, ``operator``, ``profile``/``trace``/``pdb``, ``idlelib``, ``lib2to3``,
   ``asyncio``...).
   Non-data ``builtins`` are all dangerous; a dotted name (protocol 4 attribute traversal)
   through a private or dangerous attribute is dangerous.
3. **Unknown** (warning) — everything else, reported with its name so a person can judge it.
"""

from __future__ import annotations

import re
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from enum import StrEnum


class Verdict(StrEnum):
    """How an import is judged."""

    SAFE = "safe"
    DANGEROUS = "dangerous"
    UNKNOWN = "unknown"


SAFE_NAMES: dict[str, frozenset[str]] = {
    "collections": frozenset({"OrderedDict", "Counter", "defaultdict", "deque"}),
    "builtins": frozenset(
        {
            "set",
            "frozenset",
            "bytearray",
            "bytes",
            "slice",
            "complex",
            "range",
            "object",
            "int",
            "float",
            "str",
            "list",
            "dict",
            "tuple",
            "bool",
        }
    ),
    "copyreg": frozenset({"_reconstructor"}),
    "_codecs": frozenset({"encode"}),
    "_io": frozenset({"BytesIO"}),
    "io": frozenset({"BytesIO"}),
    "argparse": frozenset({"Namespace"}),
    "pathlib": frozenset({"Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath"}),
    "datetime": frozenset({"datetime", "date", "time", "timedelta", "timezone"}),
    "decimal": frozenset({"Decimal"}),
    "fractions": frozenset({"Fraction"}),
    "uuid": frozenset({"UUID"}),
    "torch": frozenset(
        {
            "Size",
            "Tensor",
            "device",
            "dtype",
            "layout",
            "memory_format",
            "per_tensor_affine",
            "per_tensor_symmetric",
            "per_channel_affine",
            "per_channel_symmetric",
            "per_channel_affine_float_qparams",
            "strided",
            "sparse_coo",
            "sparse_csr",
            "contiguous_format",
            "channels_last",
        }
    ),
    "torch._utils": frozenset(
        {
            "_rebuild_parameter",
            "_rebuild_parameter_with_state",
            "_rebuild_qtensor",
            "_rebuild_tensor",
            "_rebuild_tensor_v2",
            "_rebuild_tensor_v3",
            "_rebuild_sparse_tensor",
            "_rebuild_meta_tensor_no_storage",
            "_rebuild_wrapper_subclass",
            "_rebuild_device_tensor_from_numpy",
            "_rebuild_device_tensor_from_cpu_tensor",
            "_rebuild_nested_tensor",
        }
    ),
    "torch._tensor": frozenset({"_rebuild_from_type_v2"}),
    "torch.jit._pickle": frozenset(
        {
            "build_intlist",
            "build_doublelist",
            "build_boollist",
            "build_tensorlist",
            "build_tensor_from_id",
            "restore_type_tag",
        }
    ),
    "torch.nn.parameter": frozenset({"Parameter", "Buffer"}),
    "torch.serialization": frozenset({"_get_layout"}),
    "torch.storage": frozenset({"TypedStorage", "UntypedStorage"}),
    "torch.distributed.tensor": frozenset({"DTensor"}),
    "torch.distributed.device_mesh": frozenset({"DeviceMesh"}),
    "torch.distributed.tensor._dtensor_spec": frozenset({"DTensorSpec", "TensorMeta"}),
    "torch.distributed.tensor.placement_types": frozenset(
        {"Shard", "Replicate", "Partial", "_StridedShard"}
    ),
    "numpy": frozenset({"dtype", "ndarray", "float64", "float32", "int64", "int32", "bool_"}),
    "numpy.core.multiarray": frozenset({"_reconstruct", "scalar"}),
    "numpy._core.multiarray": frozenset({"_reconstruct", "scalar"}),
    "numpy.core.numeric": frozenset({"_frombuffer"}),
    "numpy._core.numeric": frozenset({"_frombuffer"}),
    "numpy.random._pickle": frozenset(
        {"__bit_generator_ctor", "__randomstate_ctor", "__generator_ctor"}
    ),
    "numpy.random": frozenset({"__RandomState_ctor"}),
    "numpy.random.mtrand": frozenset({"RandomState"}),
    "joblib.numpy_pickle": frozenset({"NumpyArrayWrapper", "NDArrayWrapper"}),
    "sklearn.externals.joblib.numpy_pickle": frozenset({"NumpyArrayWrapper", "NDArrayWrapper"}),
}
"""Exact (module, name) pairs that are safe to import from a weights file."""

SAFE_PATTERNS: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = (
    (
        re.compile(r"torch(\.cuda)?"),
        re.compile(r"[A-Za-z0-9]*(Storage|Tensor)"),
        "PyTorch storage and tensor classes",
    ),
    (
        re.compile(r"torch"),
        re.compile(r"(u?int\d+|float\d+(_\w+)?|bfloat16|half|double|bool|complex\d+|q[u]?int\w*)"),
        "PyTorch dtypes",
    ),
    (re.compile(r"numpy\.dtypes"), re.compile(r"\w+DType"), "NumPy dtype classes"),
    (
        re.compile(r"torch\.nn\.modules(\.\w+)+"),
        re.compile(r"[A-Z]\w*"),
        "torch.nn module classes",
    ),
    (
        re.compile(r"sklearn(\.\w+)+"),
        re.compile(r"[A-Z]\w*|__pyx_unpickle_\w+"),
        "scikit-learn classes and their Cython unpickle helpers",
    ),
    (
        re.compile(r"numpy\.random(\.\w+)*"),
        re.compile(r"[A-Z]\w*|__pyx_unpickle_\w+"),
        "NumPy random generators and bit generators",
    ),
    (re.compile(r"xgboost\.(sklearn|core)"), re.compile(r"[A-Z]\w*"), "XGBoost model classes"),
    (re.compile(r"lightgbm\.(sklearn|basic)"), re.compile(r"[A-Z]\w*"), "LightGBM model classes"),
    (
        re.compile(r"scipy\.sparse(\.\w+)*"),
        re.compile(r"[a-z]{3}_(matrix|array)|[A-Z]\w*"),
        "SciPy sparse containers",
    ),
)
"""(module regex, name regex, why) families of safe classes, matched in full."""

DANGEROUS_MODULES: dict[str, str] = {
    "os": "runs shell commands and touches files",
    "posix": "runs shell commands (os on POSIX)",
    "nt": "runs shell commands (os on Windows)",
    "subprocess": "runs programs",
    "_posixsubprocess": "runs programs",
    "pty": "spawns shells",
    "commands": "runs shell commands",
    "multiprocessing": "starts processes",
    "sys": "reaches the interpreter and every loaded module",
    "runpy": "runs Python code",
    "code": "runs Python code",
    "codeop": "compiles Python code",
    "importlib": "imports arbitrary modules",
    "_frozen_importlib": "imports arbitrary modules",
    "_frozen_importlib_external": "imports arbitrary modules",
    "imp": "imports arbitrary modules",
    "_imp": "imports arbitrary modules",
    "zipimport": "imports code from archives",
    "pkgutil": "resolves arbitrary names (pkgutil.resolve_name)",
    "pydoc": "imports arbitrary names and runs pagers",
    "marshal": "loads code objects",
    "types": "builds code and function objects",
    "inspect": "reaches arbitrary attributes",
    "gc": "reaches every live object",
    "ctypes": "calls native code",
    "_ctypes": "calls native code",
    "pickle": "loads a nested pickle",
    "_pickle": "loads a nested pickle",
    "cPickle": "loads a nested pickle",
    "dill": "rebuilds code objects",
    "cloudpickle": "rebuilds functions from code objects",
    "shelve": "loads nested pickles",
    "socket": "opens network connections",
    "ssl": "opens network connections",
    "socketserver": "listens on the network",
    "http": "makes network requests",
    "httplib": "makes network requests",
    "urllib": "makes network requests",
    "urllib2": "makes network requests",
    "requests": "makes network requests",
    "aiohttp": "makes network requests",
    "ftplib": "makes network requests",
    "smtplib": "sends mail",
    "imaplib": "runs commands (IMAP4_stream)",
    "poplib": "makes network requests",
    "telnetlib": "makes network requests",
    "nntplib": "makes network requests",
    "xmlrpc": "makes network calls",
    "webbrowser": "opens URLs",
    "antigravity": "opens a browser on import",
    "asyncio": "starts subprocesses and connections",
    "shutil": "copies, moves and deletes files",
    "tempfile": "creates files",
    "tarfile": "extracts archives",
    "zipfile": "extracts archives",
    "fileinput": "reads files",
    "glob": "lists files",
    "linecache": "reads files",
    "filecmp": "reads files",
    "mmap": "maps memory and files",
    "select": "waits on sockets",
    "selectors": "waits on sockets",
    "signal": "changes signal handlers",
    "_signal": "changes signal handlers",
    "threading": "starts threads",
    "_thread": "starts threads",
    "atexit": "registers code to run at exit",
    "sqlite3": "opens databases",
    "_sqlite3": "opens databases",
    "platform": "runs commands",
    "uuid": "runs commands (uuid._get_command_stdout)",
    "_osx_support": "runs commands",
    "_aix_support": "runs commands",
    "_pyrepl": "runs commands",
    "pdb": "runs code in the debugger",
    "bdb": "runs code in the debugger",
    "profile": "runs code strings (profile.run)",
    "cProfile": "runs code strings (cProfile.run)",
    "trace": "runs code strings (trace.Trace.run)",
    "timeit": "runs code strings (timeit.timeit)",
    "doctest": "runs code in docstrings",
    "test": "spawns Python subprocesses (test.support)",
    "unittest": "runs test code",
    "idlelib": "runs code (IDLE internals)",
    "lib2to3": "evaluates grammar code",
    "distutils": "writes files and runs compilers",
    "setuptools": "runs build commands",
    "pkg_resources": "imports entry points",
    "pip": "installs packages (pip.main)",
    "ensurepip": "installs packages (ensurepip._run_pip)",
    "venv": "creates environments and runs pip",
    "site": "changes the import path",
    "compileall": "compiles and writes files",
    "py_compile": "compiles and writes files",
    "logging.config": "evaluates configuration and listens on sockets",
    "operator": "returns attribute and method getters (operator.attrgetter)",
    "_operator": "returns attribute and method getters",
    "functools": "binds callables (functools.partial, reduce)",
    "numpy.f2py": "compiles and runs code",
    "numpy.distutils": "runs build commands",
    "numpy.testing": "runs code strings (runstring)",
    "numpy.ctypeslib": "loads native libraries",
    "torch.hub": "downloads and runs code",
    "torch.jit": "compiles and runs TorchScript",
    "torch._dynamo": "compiles and runs code",
    "torch._inductor": "compiles and runs code",
    "torch.fx": "runs generated source code",
    "torch.package": "imports code packaged with the model",
    "torch.utils.cpp_extension": "compiles and loads native code",
    "torch.utils.collect_env": "runs commands",
    "torch.utils.bottleneck": "runs profilers on code",
    "torch.utils._config_module": "loads nested pickles",
    "torch.utils.data.datapipes.utils.decoder": "loads nested pickles",
    "torch.multiprocessing": "starts processes",
    "torch.distributed.elastic": "runs network handlers and processes",
    "tensorflow.python.ops.gen_io_ops": "reads and writes files",
    "tensorflow.io": "reads and writes files",
    "keras.utils": "downloads files (get_file)",
}
"""Modules (and all their submodules) whose every name is dangerous, with the reason."""

DANGEROUS_NAMES: dict[str, dict[str, str]] = {
    "builtins": {
        "eval": "evaluates code",
        "exec": "executes code",
        "compile": "compiles code",
        "getattr": "reaches arbitrary attributes",
        "setattr": "changes arbitrary attributes",
        "delattr": "deletes arbitrary attributes",
        "__import__": "imports arbitrary modules",
        "open": "opens files",
        "breakpoint": "starts a debugger",
        "input": "reads the terminal",
        "globals": "reaches module globals",
        "vars": "reaches object namespaces",
        "apply": "calls arbitrary callables",
        "execfile": "executes files",
    },
    "io": {"open": "opens files", "FileIO": "opens files", "open_code": "opens files"},
    "_io": {"open": "opens files", "FileIO": "opens files", "open_code": "opens files"},
    "torch": {"load": "loads a nested checkpoint", "save": "writes files", "compile": "compiles"},
    "torch.serialization": {"load": "loads a nested checkpoint", "save": "writes files"},
    "torch.storage": {"_load_from_bytes": "loads a nested checkpoint from bytes"},
    "numpy": {"load": "loads nested pickles", "fromfile": "reads files", "memmap": "maps files"},
    "numpy.lib.npyio": {"load": "loads nested pickles"},
    "numpy.lib.format": {"read_array": "loads nested pickles"},
    "pandas": {"read_pickle": "loads nested pickles"},
    "pandas.io.pickle": {"read_pickle": "loads nested pickles"},
    "joblib": {"load": "loads nested pickles"},
    "joblib.numpy_pickle": {"load": "loads nested pickles"},
    "logging": {"FileHandler": "creates files"},
    "copyreg": {"add_extension": "rewires pickle extension codes"},
    "torch.fx.experimental.symbolic_shapes": {"ShapeEnv": "evaluates guard expressions"},
    "torch._inductor.codecache": {"compile_file": "runs compilers"},
}
"""Single dangerous names inside otherwise unremarkable modules."""

DANGEROUS_ATTRIBUTES = frozenset(
    {"system", "popen", "exec", "eval", "compile", "__import__", "getattr", "load", "loads"}
)
"""Attribute names that make a dotted (traversing) import dangerous wherever they appear."""

_SAFE_BUILTINS_MODULE = "builtins"


def normalise(module: str, name: str) -> tuple[str, str]:
    """Return the Python 3 spelling of a (module, name) pair, as ``pickle`` would resolve it."""
    if (module, name) in NAME_MAPPING:
        return NAME_MAPPING[(module, name)]
    return IMPORT_MAPPING.get(module, module), name


def judge(module: str, name: str) -> tuple[Verdict, str]:
    """Return the verdict for importing ``module.name`` and a short reason."""
    module, name = normalise(module, name)
    if module == "__builtin__":
        module = _SAFE_BUILTINS_MODULE
    head, _, rest = name.partition(".")
    if not rest and _is_safe(module, name):
        return Verdict.SAFE, "allowed for model weights"
    reason = _dangerous_reason(module, name)
    if reason is not None:
        return Verdict.DANGEROUS, reason
    if rest:
        path = [head, *rest.split(".")]
        if any(part.startswith("_") or part in DANGEROUS_ATTRIBUTES for part in path):
            return Verdict.DANGEROUS, "walks private or dangerous attributes"
        for index in range(1, len(path)):
            inner = _dangerous_reason(".".join(path[:index]), ".".join(path[index:]))
            if inner is not None:
                return Verdict.DANGEROUS, f"reaches a dangerous name through attributes: {inner}"
        return Verdict.UNKNOWN, "walks attributes to a name that is not on the allowlist"
    return Verdict.UNKNOWN, "not on the allowlist of names model weights need"


def _is_safe(module: str, name: str) -> bool:
    if name in SAFE_NAMES.get(module, frozenset()):
        return True
    return any(mod.fullmatch(module) and nam.fullmatch(name) for mod, nam, _why in SAFE_PATTERNS)


def _dangerous_reason(module: str, name: str) -> str | None:
    if module == _SAFE_BUILTINS_MODULE:
        return DANGEROUS_NAMES["builtins"].get(name, "is a builtin outside the data types")
    specific = DANGEROUS_NAMES.get(module, {}).get(name.partition(".")[0])
    if specific is not None:
        return specific
    parts = module.split(".")
    for index in range(len(parts), 0, -1):
        reason = DANGEROUS_MODULES.get(".".join(parts[:index]))
        if reason is not None:
            return reason
    if not module:
        return "has an empty module name"
    return None
