"""Quarry's GPU kernel evaluation worker (dev.quarry.env.kernel). Written for Quarry; it reproduces
the semantics of one-covenant/grail's run_kernel_eval and its standard check_correctness
(grail/environments/gpu_kernel/eval_backends/subprocess_backend.py, task_sources.py): execute the
KernelBench module and the generated code from real files (Triton's @jit reads source files),
require ModelNew, seed 42 before building each model, compare outputs over 3 trials with inputs
seeded 42, 43, 44, and accept a maximum absolute difference of at most 1e-2.

Protocol: one JSON object per line on stdin, one JSON reply per line on the original stdout. The
first line is {"type": "hello", ...} or {"type": "init_failed", "error": ...}. After each
evaluation the worker runs a one-element CUDA canary; when it fails (a "sticky" CUDA error poisons
the context) the reply carries "cuda_corrupted": true and the worker exits so a fresh one replaces
it. With "one_shot" the worker serves a single evaluation and exits (the subprocess backend).

The worker loads torch once. The GPU it sees is chosen by CUDA_VISIBLE_DEVICES, set by the caller.
"""
import gc
import json
import os
import shutil
import sys
import tempfile
import traceback

SEED = 42
TOLERANCE = 1e-2
TRIALS = 3


class TorchRuntime:
    """The real evaluation on torch (CUDA when available, else CPU)."""

    def __init__(self):
        import torch

        self.torch = torch
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    def describe(self):
        torch = self.torch
        facts = {"torch": torch.__version__, "device": str(self.device), "cuda": torch.cuda.is_available()}
        if torch.cuda.is_available():
            facts["gpu"] = torch.cuda.get_device_name(0)
        try:
            import triton
            facts["triton"] = triton.__version__
        except Exception as problem:  # noqa: BLE001 - reported, the evaluation then fails per kernel
            facts["triton_error"] = "%s: %s" % (type(problem).__name__, problem)
        return facts

    def evaluate(self, pytorch_code, triton_code):
        torch = self.torch
        workdir = tempfile.mkdtemp(prefix="quarry-kernel-")
        try:
            reference = {}
            _exec_from_file(pytorch_code, reference, os.path.join(workdir, "reference.py"))
            model = reference.get("Model")
            get_inputs = reference.get("get_inputs")
            get_init_inputs = reference.get("get_init_inputs")
            if model is None or get_inputs is None:
                return {"correct": False, "compiled": False, "error": "missing_model_or_inputs"}
            generated = {}
            _exec_from_file(triton_code, generated, os.path.join(workdir, "generated.py"))
            model_new = generated.get("ModelNew")
            if model_new is None:
                return {"correct": False, "compiled": True, "error": "no_model_new_class"}
            try:
                torch.manual_seed(SEED)
                torch.cuda.manual_seed(SEED)
                return self._check(model, model_new, get_inputs, get_init_inputs)
            except Exception as problem:  # noqa: BLE001
                return {"correct": False, "compiled": True, "error": "check_correctness_error: %s" % problem}
        except Exception as problem:  # noqa: BLE001
            return {"correct": False, "compiled": False, "max_diff": None,
                    "error": "%s: %s\n%s" % (type(problem).__name__, problem, traceback.format_exc())}
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _check(self, model, model_new, get_inputs, get_init_inputs):
        torch = self.torch
        device = self.device
        init_inputs = get_init_inputs() if get_init_inputs else []
        torch.manual_seed(SEED)
        torch.cuda.manual_seed(SEED)
        reference_model = model(*init_inputs).to(device).eval()
        torch.manual_seed(SEED)
        torch.cuda.manual_seed(SEED)
        new_model = model_new(*init_inputs).to(device).eval()
        max_diff = 0.0
        for trial in range(TRIALS):
            torch.manual_seed(SEED + trial)
            inputs = [value.to(device) if isinstance(value, torch.Tensor) else value for value in get_inputs()]
            with torch.no_grad():
                expected = reference_model(*inputs)
                actual = new_model(*inputs)
            if isinstance(expected, tuple):
                expected = expected[0]
            if isinstance(actual, tuple):
                actual = actual[0]
            if expected.shape != actual.shape:
                return {"correct": False, "compiled": True, "error": "shape_mismatch: %s vs %s" % (expected.shape, actual.shape),
                        "max_diff": None}
            max_diff = max(max_diff, torch.max(torch.abs(expected.float() - actual.float())).item())
        correct = max_diff <= TOLERANCE
        return {"correct": correct, "compiled": True, "error": None if correct else "max_diff=%.6f" % max_diff,
                "max_diff": max_diff}

    def healthy(self):
        try:
            x = self.torch.ones(1, device=self.device)
            return (x + 1).item() == 2.0
        except Exception:  # noqa: BLE001
            return False

    def clean(self):
        try:
            gc.collect()
            self.torch.cuda.empty_cache()
        except Exception:  # noqa: BLE001
            pass


def _exec_from_file(code, namespace, path):
    with open(path, "w") as handle:
        handle.write(code)
    namespace["__file__"] = path
    exec(compile(code, path, "exec"), namespace)  # noqa: S102 - the reference runs kernels unsandboxed too


def _load_runtime(config):
    module_path = config.get("runtime_module")
    if not module_path:
        return TorchRuntime()
    # A replacement runtime (used by Quarry's protocol tests where no torch exists).
    import importlib.util

    spec = importlib.util.spec_from_file_location("quarry_kernel_runtime", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Runtime()


def main():
    config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")

    def send(message):
        replies.write(json.dumps(message, ensure_ascii=True).encode("ascii") + b"\n")

    try:
        runtime = _load_runtime(config)
        send({"type": "hello", "pid": os.getpid(), "python": sys.version.split()[0],
              "visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"), **runtime.describe()})
    except Exception as problem:  # noqa: BLE001
        send({"type": "init_failed", "error": "%s: %s" % (type(problem).__name__, problem)})
        return
    buffer = b""
    while True:
        chunk = requests.read(65536)
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
            result = runtime.evaluate(request["pytorch_code"], request["triton_code"])
            healthy = runtime.healthy()
            runtime.clean()
            result["id"] = request.get("id")
            if not healthy:
                result["cuda_corrupted"] = True
            send(result)
            if not healthy or config.get("one_shot"):
                return


if __name__ == "__main__":
    main()
