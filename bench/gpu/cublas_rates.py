"""cuBLAS's own FP32 SGEMM rate (TF32 off) on the dense bench's shapes, through PyTorch, as the
peer for the GEMM kernels of the cuda backend. Run on the GPU machine by bench/gpu/check.sh;
prints one JSON object. Each shape: the median of 20 timed products after 5 warm-ups, with CUDA
events, on random (not zero) data."""
import json
import sys

try:
    import torch
except ImportError:
    print(json.dumps({"error": "torch is not installed"}))
    sys.exit(0)

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device("cuda")
rows = 1_000_000
out = {"card": torch.cuda.get_device_name(0), "torch": torch.__version__, "shapes": []}
for n_in, n_out in [(256, 128), (128, 64), (64, 10)]:
    x = torch.randn(rows, n_in, device=dev, dtype=torch.float32)
    w = torch.randn(n_in, n_out, device=dev, dtype=torch.float32)
    for _ in range(5):
        torch.mm(x, w)
    torch.cuda.synchronize()
    times = []
    for _ in range(20):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        torch.mm(x, w)
        b.record()
        torch.cuda.synchronize()
        times.append(a.elapsed_time(b))
    times.sort()
    ms = times[len(times) // 2]
    out["shapes"].append({"shape": f"{rows}x{n_in} @ {n_in}x{n_out}", "ms": ms, "tflops": 2 * rows * n_in * n_out / ms / 1e9})
print(json.dumps(out))
