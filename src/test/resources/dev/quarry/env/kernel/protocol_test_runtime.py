"""A stand-in for the torch runtime of kernel_eval_worker.py, for testing the worker protocol and
the Java backends where no GPU (and no torch) exists. It evaluates nothing: the generated code
names the behaviour to act out (hang, crash, a CUDA sticky error, a wrong result). The real runtime
is exercised by KernelEvaluatorTorchTest when an interpreter with torch is provided."""
import os
import time


class Runtime:
    def __init__(self):
        self.poisoned = False

    def describe(self):
        return {"torch": None, "device": "protocol-test"}

    def evaluate(self, pytorch_code, triton_code):
        if "HANG" in triton_code:
            time.sleep(3600)
        if "CRASH" in triton_code:
            os._exit(7)
        if "STICKY_ONCE:" in triton_code:
            marker = triton_code.split("STICKY_ONCE:", 1)[1].split()[0]
            if not os.path.exists(marker):
                open(marker, "w").close()
                self.poisoned = True
                return {"correct": False, "compiled": True, "error": "RuntimeError: CUDA error: an illegal memory access was encountered"}
        if "STICKY" in triton_code and "STICKY_ONCE" not in triton_code:
            self.poisoned = True
            return {"correct": False, "compiled": True, "error": "RuntimeError: CUDA error: device-side assert triggered"}
        if "WRONG" in triton_code:
            return {"correct": False, "compiled": True, "error": "max_diff=0.500000", "max_diff": 0.5}
        return {"correct": True, "compiled": True, "error": None, "max_diff": 0.0, "pid": os.getpid()}

    def healthy(self):
        return not self.poisoned

    def clean(self):
        pass
