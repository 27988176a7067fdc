"""Quarry's Python worker: runs model-written code the way Grail's validators do, and answers
sympy equivalence questions, for the Java miner (dev.quarry.env.python.PythonWorkerPool).

Written for Quarry; it reproduces the *semantics* of one-covenant/grail's persistent execution
pool (grail/environments/execution.py: _pool_worker_init, _pool_worker_execute, the restricted
builtins and import rules, a SIGALRM timeout of int(timeout) seconds per test) and of the sympy
step of _math_answers_equal. Needs only the standard library (sympy is optional).

Protocol: one JSON object per line on stdin, one JSON reply per line on the original stdout. The
first line written is a "hello" describing the interpreter and what containment is in force. Every
request is served in a forked child with resource limits, its own process group and scratch
directory, so crashing, hanging or memory-hungry code costs one child, never the worker.
"""
import __future__

import errno
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback

# The reference modules start with `from __future__ import annotations`, and compile()/exec() of a
# string inherit the caller's future flags, so model code is compiled with postponed annotations.
FUTURE_FLAGS = __future__.annotations.compiler_flag

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
NOBODY = 65534
MAX_ERROR_CHARS = 2000

# grail/environments/execution.py::_pool_safe_import
BLOCKED_MODULES = frozenset({
    "asyncio", "builtins", "ctypes", "importlib", "inspect", "multiprocessing", "os", "pathlib", "posix",
    "resource", "shutil", "signal", "site", "socket", "subprocess", "sys", "threading", "types",
})
ALLOWED_MODULES = frozenset({"math", "itertools", "functools", "collections", "heapq", "bisect", "operator", "re", "string"})

# grail/environments/execution.py::_pool_safe_builtins
ALLOWED_BUILTINS = (
    "None", "False", "True", "bool", "int", "float", "complex", "str", "bytes", "bytearray", "list", "tuple", "set",
    "frozenset", "dict", "range", "enumerate", "zip", "map", "filter", "sorted", "reversed", "slice", "abs", "all",
    "any", "min", "max", "sum", "len", "round", "pow", "divmod", "chr", "ord", "hex", "oct", "bin", "format", "repr",
    "print", "isinstance", "BaseException", "Exception", "AssertionError", "ValueError", "TypeError", "KeyError",
    "IndexError", "StopIteration", "ZeroDivisionError", "__build_class__", "object", "type",
)

# grail/environments/execution.py::_pool_worker_init, steps 7 and 8
NEUTRALIZED_OS = (
    "kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork", "forkpty", "killpg",
    "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown", "chmod", "chown", "chroot", "lchown",
)
NEUTRALIZED_SUBPROCESS = ("Popen", "call", "run", "check_call", "check_output")


class TimeoutException(Exception):
    """Raised by SIGALRM inside a test; an Exception, so code that catches Exception swallows it (as in the reference)."""


class Worker:
    def __init__(self, config):
        self.config = config
        self.memory_limit = int(config.get("memory_limit_bytes") or 0)
        self.file_size_limit = int(config.get("file_size_limit_bytes") or 0)
        self.recursion_delta = 0
        self.scratch_root = None
        self.facts = {}
        self.sympy = None

    # -- start-up ------------------------------------------------------------------------------
    def start(self):
        self._take_protocol_fds()
        self._load_sympy()
        self._preload_allowed_modules()
        self.facts["network_isolated"], self.facts["network_note"] = self._isolate_network()
        self.scratch_root = tempfile.mkdtemp(prefix="quarry-sandbox-")
        self.child_uid = self._choose_child_uid()
        self.facts["privileges_dropped"] = self.child_uid is not None
        self.facts["uid"] = self.child_uid if self.child_uid is not None else os.getuid()
        self.seccomp = _SeccompFilter.for_this_machine() if self.config.get("syscall_filter", True) else None
        self.facts["syscall_filter"] = self.seccomp is not None

    def _take_protocol_fds(self):
        # Keep private copies of stdin/stdout for the protocol, then point fds 0 and 1 at /dev/null
        # so nothing a child prints can reach the protocol stream.
        self.requests = os.fdopen(os.dup(0), "rb", buffering=0)
        self.replies = os.fdopen(os.dup(1), "wb", buffering=0)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
        sys.stdout = open(os.devnull, "w")

    def _load_sympy(self):
        self.facts["sympy"] = None
        if not self.config.get("preload_sympy"):
            return
        try:
            import sympy
            # parse_expr and simplify import more of sympy on first use; do it here, while every
            # file is still readable, rather than in an unprivileged child.
            sympy.simplify(sympy.parse_expr("sqrt(2)/2 - 1/sqrt(2) + x**2 - x*x + sin(x)**2 + cos(x)**2 - 1"))
            self.sympy = sympy
            self.facts["sympy"] = sympy.__version__
        except Exception as problem:  # noqa: BLE001 - absence is reported, not fatal
            self.facts["sympy_error"] = "%s: %s" % (type(problem).__name__, problem)

    @staticmethod
    def _preload_allowed_modules():
        # Children may run as nobody and cannot always read the interpreter's files, so every module
        # sandboxed code may import is imported now (the reference worker has most of them loaded too).
        import subprocess  # noqa: F401  (children neutralise it as the reference worker does)
        for name in sorted(ALLOWED_MODULES) + ["collections.abc", "copy", "keyword", "reprlib", "re._parser"]:
            try:
                __import__(name)
            except ImportError:
                pass

    def _isolate_network(self):
        if not self.config.get("isolate_network", True):
            return False, "disabled by configuration"
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
        except Exception as problem:  # noqa: BLE001
            return False, "ctypes unavailable: %s" % problem
        last = "unknown"
        for flags, label in ((CLONE_NEWNET, "network namespace"), (CLONE_NEWUSER | CLONE_NEWNET, "user+network namespace")):
            if libc.unshare(flags) == 0:
                return True, label
            last = errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
        return False, "unshare refused (%s)" % last

    def _choose_child_uid(self):
        """Children run as nobody when the worker is root, unless the interpreter's files are
        unreadable to nobody (a Python under /root), which would break lazy imports."""
        mode = self.config.get("drop_privileges", "auto")
        if mode == "never" or os.getuid() != 0:
            return None
        blocked = [path for path in {sys.base_prefix, sys.prefix, os.path.dirname(os.__file__)} if not _others_can_read(path)]
        if blocked:
            self.facts["privileges_note"] = "kept root: %s is not readable by other users" % blocked[0]
            return None
        os.chown(self.scratch_root, NOBODY, NOBODY)
        return NOBODY

    def _calibrate_recursion(self):
        """Shifts the children's recursion limit so user code can recurse exactly as deep as inside
        the reference's pool worker (whose frames above exec differ from ours). Called from serve()
        so the probe passes through the same frames as every later request."""
        target = self.config.get("reference_recursion_depth")
        measured = None
        if target:
            probe = "def depth(n):\n    try:\n        return depth(n + 1)\n    except Exception:\n        return n\n"
            reply = self._dispatch({"op": "run_tests", "code": probe, "tests": ["assert False, depth(0)"], "timeout": 5.0, "deadline": 20.0})
            try:
                measured = int(reply["test_results"][0]["error"].split(":", 1)[1].strip())
                self.recursion_delta = int(target) - measured
            except Exception:  # noqa: BLE001 - leave the limit alone and say so in the hello
                measured = None
        self.facts["recursion_depth_measured"] = measured
        self.facts["recursion_delta"] = self.recursion_delta

    def hello(self):
        return {
            "type": "hello",
            "python": sys.version.split()[0],
            "implementation": sys.implementation.name,
            "pid": os.getpid(),
            "memory_limit_bytes": self.memory_limit,
            "file_size_limit_bytes": self.file_size_limit,
            **self.facts,
        }

    # -- the request loop ----------------------------------------------------------------------
    def serve(self):
        self._calibrate_recursion()
        self._send(self.hello())
        buffer = b""
        while True:
            chunk = self.requests.read(65536)
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if not line.strip():
                    continue
                request = json.loads(line)
                if request.get("op") == "shutdown":
                    return
                reply = self._dispatch(request)
                reply["id"] = request.get("id")
                self._send(reply)

    def _send(self, message):
        self.replies.write(json.dumps(message, ensure_ascii=True).encode("ascii") + b"\n")

    def _dispatch(self, request):
        op = request.get("op")
        if op == "ping":
            return {"ok": True}
        if op == "compile":
            return self._in_child(lambda: self._compile(request["code"]), float(request.get("deadline", 30.0)))
        if op == "run_tests":
            code, tests, timeout = request["code"], list(request["tests"]), float(request["timeout"])
            deadline = float(request["deadline"])
            reply = self._in_child(lambda: self._run_tests(code, tests, timeout), deadline)
            if reply.get("outcome") == "deadline":
                # What the reference reports when its executor gives up on a worker that swallowed
                # the alarm: nothing from the partial run survives.
                return {"passed": 0, "total": len(tests), "status": "timeout",
                        "error": "Worker unresponsive (likely code caused worker to hang)", "test_results": []}
            if reply.get("outcome") == "crashed":
                return {"passed": 0, "total": len(tests), "status": "process_error", "error": reply["error"], "test_results": []}
            return reply
        if op == "sympy_equal":
            if self.sympy is None:
                return {"outcome": "unavailable", "error": self.facts.get("sympy_error", "sympy was not loaded")}
            a, b = request["a"], request["b"]
            return self._in_child(lambda: self._sympy_equal(a, b), float(request.get("deadline", 30.0)))
        return {"outcome": "bad_request", "error": "unknown op %r" % op}

    # -- the child -----------------------------------------------------------------------------
    def _in_child(self, work, deadline_seconds):
        workdir = tempfile.mkdtemp(dir=self.scratch_root)
        if self.child_uid is not None:
            os.chown(workdir, self.child_uid, self.child_uid)
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
            if pid == 0:
                self._child(work, read_end, write_end, deadline_seconds, workdir)
            os.close(write_end)
            return self._collect(pid, read_end, deadline_seconds)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _child(self, work, read_end, write_end, deadline_seconds, workdir):
        write = os.write
        exit_now = os._exit
        try:
            os.close(read_end)
            self.requests.close()
            self.replies.close()
            os.setsid()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.close(devnull)
            os.chdir(workdir)
            self._limit(deadline_seconds)
            if self.child_uid is not None:
                os.setgroups([])
                os.setgid(self.child_uid)
                os.setuid(self.child_uid)
            if self.seccomp is not None:
                self.seccomp.install()
            if self.recursion_delta:
                sys.setrecursionlimit(max(50, sys.getrecursionlimit() + self.recursion_delta))
            result = work()
            payload = json.dumps(result, ensure_ascii=True).encode("ascii")
        except BaseException as problem:  # noqa: BLE001 - the child must always report
            try:
                where = traceback.extract_tb(problem.__traceback__)[-1]
                payload = json.dumps({"outcome": "child_failure", "error": "%s: %s (line %d)" % (
                    type(problem).__name__, problem, where.lineno)}).encode()
            except BaseException:  # noqa: BLE001
                payload = b'{"outcome": "child_failure", "error": "unprintable"}'
        try:
            view = memoryview(payload)
            while view:
                view = view[write(write_end, view):]
        finally:
            exit_now(0)

    def _limit(self, deadline_seconds):
        def limit(kind, value):
            try:
                resource.setrlimit(kind, (value, value))
            except (ValueError, OSError):
                pass

        if self.memory_limit > 0:
            limit(resource.RLIMIT_AS, self.memory_limit)
        if self.file_size_limit >= 0:
            limit(resource.RLIMIT_FSIZE, self.file_size_limit)
        limit(resource.RLIMIT_NPROC, 0)
        limit(resource.RLIMIT_CORE, 0)
        limit(resource.RLIMIT_NOFILE, 256)
        limit(resource.RLIMIT_CPU, int(deadline_seconds) + 5)

    def _collect(self, pid, read_end, deadline_seconds):
        chunks = []
        ends = time.monotonic() + deadline_seconds
        timed_out = False
        try:
            while True:
                remaining = ends - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                ready, _, _ = select.select([read_end], [], [], remaining)
                if not ready:
                    continue
                data = os.read(read_end, 1 << 20)
                if not data:
                    break
                chunks.append(data)
        finally:
            os.close(read_end)
            self._kill_group(pid)
            _, status = os.waitpid(pid, 0)
        if timed_out:
            return {"outcome": "deadline", "error": "no answer within %.1f s" % deadline_seconds}
        try:
            return json.loads(b"".join(chunks))
        except ValueError:
            if os.WIFSIGNALED(status):
                reason = "killed by signal %d" % os.WTERMSIG(status)
            else:
                reason = "exited with %d" % os.WEXITSTATUS(status)
            return {"outcome": "crashed", "error": "Process terminated unexpectedly (%s)" % reason}

    @staticmethod
    def _kill_group(pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass

    # -- work done in the child ----------------------------------------------------------------
    @staticmethod
    def _compile(code):
        try:
            compile(code, "<string>", "exec", flags=FUTURE_FLAGS, dont_inherit=True)
            return {"outcome": "valid"}
        except SyntaxError as problem:
            return {"outcome": "syntax_error", "error": _clip(str(problem))}
        except Exception as problem:  # noqa: BLE001 - the reference parser blanks the code on these
            return {"outcome": "error", "error": _clip("%s: %s" % (type(problem).__name__, problem))}

    def _neutralize(self):
        import builtins
        import faulthandler
        import subprocess

        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # before putenv is neutralised, as the reference orders it
        faulthandler.disable()
        builtins.exit = None
        builtins.quit = None
        for name in NEUTRALIZED_OS:
            if hasattr(os, name):
                setattr(os, name, None)
        for name in NEUTRALIZED_SUBPROCESS:
            setattr(subprocess, name, None)

    def _safe_builtins(self):
        import builtins

        real_import = builtins.__import__

        def restricted_import(name, globals_=None, locals_=None, fromlist=(), level=0):
            top = name.split(".")[0]
            if name in BLOCKED_MODULES or top in BLOCKED_MODULES:
                raise ImportError("Module '%s' is not allowed in sandboxed execution" % name)
            if name not in ALLOWED_MODULES and top not in ALLOWED_MODULES:
                raise ImportError("Module '%s' is not allowed in sandboxed execution" % name)
            return real_import(name, globals_, locals_, fromlist, level)

        safe = {name: getattr(builtins, name) for name in ALLOWED_BUILTINS}
        safe["__import__"] = restricted_import
        return safe

    def _run_tests(self, code, tests, timeout):
        """The reference's per-execution semantics, test by test, in one process."""
        try:
            compile(code, "<string>", "exec", flags=FUTURE_FLAGS, dont_inherit=True)
        except SyntaxError as problem:
            return {"passed": 0, "total": len(tests), "status": "syntax_error", "error": _clip(str(problem)), "test_results": []}
        except Exception as problem:  # noqa: BLE001 - escapes the reference worker: its pool reports a process error
            return {"passed": 0, "total": len(tests), "status": "process_error",
                    "error": _clip("Pool execution error: %s" % problem), "test_results": []}
        if not tests:
            return {"passed": 0, "total": 0, "status": "all_passed", "error": None, "test_results": []}
        self._neutralize()
        results = []
        passed = 0
        timeouts = 0
        safe_builtins = self._safe_builtins()
        try:
            for index, test in enumerate(tests):
                full_code = code + "\n\n" + test
                try:
                    def on_alarm(signum, frame):
                        raise TimeoutException("Test timed out")

                    previous = signal.signal(signal.SIGALRM, on_alarm)
                    signal.alarm(int(timeout))
                    try:
                        program = compile(full_code, "<string>", "exec", flags=FUTURE_FLAGS, dont_inherit=True)
                        exec(program, {"__builtins__": safe_builtins})  # noqa: S102 - this is the sandbox
                        results.append({"test_idx": index, "passed": True, "error": None})
                        passed += 1
                    except TimeoutException:
                        results.append({"test_idx": index, "passed": False, "error": "Timeout"})
                        timeouts += 1
                    except Exception as problem:  # noqa: BLE001
                        results.append({"test_idx": index, "passed": False, "error": _clip("%s: %s" % (type(problem).__name__, problem))})
                    finally:
                        if previous is not None:
                            signal.alarm(0)
                            signal.signal(signal.SIGALRM, previous)
                except Exception as problem:  # noqa: BLE001
                    results.append({"test_idx": index, "passed": False, "error": _clip(str(problem))})
        except Exception as problem:  # noqa: BLE001 - escapes the reference's loop: its pool reports a process error
            return {"passed": 0, "total": len(tests), "status": "process_error",
                    "error": _clip("Pool execution error: %s" % _describe(problem)), "test_results": []}
        except BaseException as problem:  # noqa: BLE001 - the reference lets these escape env.step entirely
            return {"outcome": "aborted", "error": _clip("%s: %s" % (type(problem).__name__, _describe(problem)))}
        if passed == len(tests):
            status = "all_passed"
        elif passed > 0:
            status = "some_failed"
        elif timeouts == len(tests):
            status = "timeout"
        else:
            status = "error"
        return {"passed": passed, "total": len(tests), "status": status,
                "error": None if status == "all_passed" else "Passed %d/%d tests" % (passed, len(tests)),
                "test_results": results}

    def _sympy_equal(self, predicted, gold):
        sympy = self.sympy
        try:
            difference = sympy.parse_expr(predicted) - sympy.parse_expr(gold)
            return {"outcome": "done", "equal": bool(sympy.simplify(difference) == 0)}
        except Exception as problem:  # noqa: BLE001 - the reference swallows every exception of this step
            return {"outcome": "done", "equal": False, "error": _clip("%s: %s" % (type(problem).__name__, _describe(problem)))}
        except BaseException as problem:  # noqa: BLE001 - e.g. SystemExit from eval'd text escapes the reference
            return {"outcome": "aborted", "error": _clip("%s: %s" % (type(problem).__name__, _describe(problem)))}


class _SeccompFilter:
    """A seccomp filter for children: creating processes, executing programs, sockets, signalling
    other processes, opening files for writing, changing the file system and every administrative
    call fail with EPERM. It holds for a root child (where RLIMIT_NPROC does not) and for code that
    escapes the Python-level restrictions. Reading files stays possible (the interpreter needs it).
    """

    PR_SET_NO_NEW_PRIVS = 38
    PR_SET_SECCOMP = 22
    SECCOMP_MODE_FILTER = 2
    RET_ALLOW = 0x7FFF0000
    RET_EPERM = 0x00050000 | errno.EPERM
    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    # Denied system calls by name: (x86_64, aarch64) numbers from the kernel headers; None where absent.
    DENIED = {
        "fork": (57, None), "vfork": (58, None), "clone": (56, 220), "clone3": (435, 435), "execve": (59, 221),
        "execveat": (322, 281), "socket": (41, 198), "socketpair": (53, 199), "kill": (62, 129), "tkill": (200, 130),
        "tgkill": (234, 131), "pidfd_send_signal": (424, 424), "pidfd_open": (434, 434), "pidfd_getfd": (438, 438),
        "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271), "unshare": (272, 97),
        "setns": (308, 268), "prctl": (157, 167), "seccomp": (317, 277), "bpf": (321, 280), "perf_event_open": (298, 241),
        "userfaultfd": (323, 282), "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
        "creat": (85, None), "openat2": (437, 437), "open_by_handle_at": (304, None), "name_to_handle_at": (303, None),
        "truncate": (76, 45), "ftruncate": (77, 46), "fallocate": (285, 47), "rename": (82, None), "renameat": (264, 38),
        "renameat2": (316, 276), "mkdir": (83, None), "mkdirat": (258, 34), "rmdir": (84, None), "link": (86, None),
        "linkat": (265, 37), "unlink": (87, None), "unlinkat": (263, 35), "symlink": (88, None), "symlinkat": (266, 36),
        "mknod": (133, None), "mknodat": (259, 33), "chmod": (90, None), "fchmod": (91, 52), "fchmodat": (268, 53),
        "chown": (92, None), "fchown": (93, 55), "lchown": (94, None), "fchownat": (260, 54), "utime": (132, None),
        "utimes": (235, None), "futimesat": (261, None), "utimensat": (280, 88), "setxattr": (188, 5), "lsetxattr": (189, 6),
        "fsetxattr": (190, 7), "removexattr": (197, 14), "lremovexattr": (198, 15), "fremovexattr": (199, 16),
        "mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41), "chroot": (161, 51), "open_tree": (428, 428),
        "move_mount": (429, 429), "fsopen": (430, 430), "fsconfig": (431, 431), "fsmount": (432, 432),
        "mount_setattr": (442, 442), "swapon": (167, 224), "swapoff": (168, 225), "reboot": (169, 142),
        "sethostname": (170, 161), "setdomainname": (171, 162), "init_module": (175, 105), "finit_module": (313, 273),
        "delete_module": (176, 106), "kexec_load": (246, 104), "kexec_file_load": (320, 294), "settimeofday": (164, 170),
        "clock_settime": (227, 112), "adjtimex": (159, 171), "iopl": (172, None), "ioperm": (173, None),
        "modify_ldt": (154, None), "keyctl": (250, 219), "add_key": (248, 217), "request_key": (249, 218),
        "setuid": (105, 146), "setgid": (106, 144), "setreuid": (113, 145), "setregid": (114, 143),
        "setresuid": (117, 147), "setresgid": (119, 149), "setgroups": (116, 159), "capset": (126, 91),
        "personality": (135, 92), "quotactl": (179, 60), "quotactl_fd": (443, 443), "acct": (163, 89),
        "syslog": (103, 116), "fanotify_init": (300, 262), "vhangup": (153, 58), "uselib": (134, None),
        "mbind": (237, 235), "set_mempolicy": (238, 237), "migrate_pages": (256, 238), "move_pages": (279, 239),
    }
    # open(path, flags) and openat(dirfd, path, flags): refused when flags ask for writing.
    OPEN = {"x86_64": ((2, 1), (257, 2)), "aarch64": ((56, 2),)}
    ARCHES = {"x86_64": (0xC000003E, 0), "aarch64": (0xC00000B7, 1)}

    def __init__(self, ctypes, libc, program):
        self.ctypes = ctypes
        self.libc = libc
        self.program = program

    @classmethod
    def for_this_machine(cls):
        machine = os.uname().machine
        if machine not in cls.ARCHES or not sys.platform.startswith("linux"):
            return None
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
        except Exception:  # noqa: BLE001
            return None
        code = cls._program(machine)

        class SockFilter(ctypes.Structure):
            _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

        class SockFprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

        array = (SockFilter * len(code))(*[SockFilter(*entry) for entry in code])
        program = SockFprog(len(code), ctypes.cast(array, ctypes.POINTER(SockFilter)))
        program._keep = array
        candidate = cls(ctypes, libc, program)
        return candidate if candidate._works() else None

    @classmethod
    def _program(cls, machine):
        """The BPF program as (code, jt, jf, k) tuples. Jumps name labels and are resolved at the end."""
        load, jump_eq, jump_ge, jump_set, ret = 0x20, 0x15, 0x35, 0x45, 0x06
        arch, column = cls.ARCHES[machine]
        denied = sorted({pair[column] for pair in cls.DENIED.values() if pair[column] is not None})
        opens = cls.OPEN[machine]
        body = [
            (load, None, None, 4),                 # architecture
            (jump_eq, "next", "deny", arch),       # anything else (i386 calls on x86_64) is refused
            (load, None, None, 0),                 # system call number
        ]
        if machine == "x86_64":
            body.append((jump_ge, "deny", "next", 0x40000000))  # x32 calls would dodge the numbers below
        for number, argument in opens:
            body.append((jump_eq, "open%d" % number, "next", number))
        for number in denied:
            body.append((jump_eq, "deny", "next", number))
        body.append(("allow",))
        for number, argument in opens:
            body.append(("label", "open%d" % number))
            body.append((load, None, None, 16 + 8 * argument))  # low half of the flags argument
            body.append((jump_set, "deny", "allow", cls.WRITE_FLAGS))
        body += [("label", "allow"), (ret, None, None, cls.RET_ALLOW), ("label", "deny"), (ret, None, None, cls.RET_EPERM)]
        # Resolve labels to instruction positions.
        positions, index, flat = {}, 0, []
        for entry in body:
            if entry[0] == "label":
                positions[entry[1]] = index
            elif entry[0] == "allow":
                flat.append((jump_eq, "allow", "allow", 0))  # unconditional jump to "allow"
                index += 1
            else:
                flat.append(entry)
                index += 1
        resolved = []
        for position, (code, true_target, false_target, k) in enumerate(flat):
            def offset(target):
                if target is None:
                    return 0
                goal = position + 1 if target == "next" else positions[target]
                distance = goal - position - 1
                if not 0 <= distance <= 255:
                    raise ValueError("seccomp jump out of range")
                return distance
            resolved.append((code, offset(true_target), offset(false_target), k))
        return resolved

    def install(self):
        ulong = self.ctypes.c_ulong
        if self.libc.prctl(self.PR_SET_NO_NEW_PRIVS, ulong(1), ulong(0), ulong(0), ulong(0)) != 0:
            raise OSError(self.ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if self.libc.prctl(self.PR_SET_SECCOMP, ulong(self.SECCOMP_MODE_FILTER), self.ctypes.byref(self.program), ulong(0), ulong(0)) != 0:
            raise OSError(self.ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")

    def _works(self):
        """Installs the filter in a throw-away child: fork and writing must fail, reading must not."""
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                self.install()
                status = 2
                try:
                    grandchild = os.fork()
                    if grandchild == 0:
                        os._exit(0)
                    status = 3
                except OSError:
                    status = 4
                    try:
                        os.close(os.open(os.devnull, os.O_WRONLY))
                        status = 5
                    except OSError:
                        os.close(os.open(os.devnull, os.O_RDONLY))
                        status = 0
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _others_can_read(path):
    """Whether a user other than the owner can reach and read `path` (mode bits along the way)."""
    import stat

    current = os.path.abspath(path)
    while True:
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return False
        needed = stat.S_IXOTH | (stat.S_IROTH if current == os.path.abspath(path) else 0)
        if mode & needed != needed:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


def _describe(problem):
    try:
        return str(problem)
    except BaseException:  # noqa: BLE001
        return "<unprintable>"


def _clip(text):
    text = text if isinstance(text, str) else _describe(text)
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS] + "..."


def main():
    config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    worker = Worker(config)
    try:
        worker.start()
    except Exception:  # noqa: BLE001
        sys.stderr.write(traceback.format_exc())
        raise
    try:
        worker.serve()
    finally:
        if worker.scratch_root:
            shutil.rmtree(worker.scratch_root, ignore_errors=True)


if __name__ == "__main__":
    main()
