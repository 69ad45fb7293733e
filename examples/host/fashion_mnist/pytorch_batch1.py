#!/usr/bin/python3
"""Batch-1 inference time of the 27,562-parameter Fashion-MNIST CNN in PyTorch (comparison
only, not a dependency): conv3x3(8)-relu-maxpool2-conv3x3(16)-relu-maxpool2-dense64-relu-
dense10, as pytorch_reference.py --model cnn-plain, one 1x1x28x28 image per call, 1 thread.

- float: model(x) under torch.inference_mode()
- int8: post-training static quantization (torch.ao.quantization, eager mode): conv+relu and
  linear+relu fused, per-channel int8 weights (the engine's default qconfig), min/max
  calibration on the same random images, then convert. Engines: --engines (default
  qnnpack and onednn, the two of Debian's PyTorch 1.13 build, which has no fbgemm/x86;
  per-channel weights on both); ratios are against the faster one.

Random weights and 64 random "images" (half zeros), as benchmarks/bench_cnn_batch1.cpp.
With --edgeloop-bench PATH (the edgeloop_bench executable of the bench preset) the same
run also times edgeloop's BM_CnnBatch1Float / BM_CnnBatch1Int8, alternating rounds with
PyTorch's so that both see the same machine load, and reports the ratios. Times are CPU
time per image (process time; Google Benchmark's cpu_time), medians over the rounds; the
last line is one JSON object.

Usage: pytorch_batch1.py [--edgeloop-bench PATH] [--rounds N] [--seconds S] [--engines E1,E2] [--json]
"""
import argparse
import json
import statistics
import subprocess
import time

import torch

nn = torch.nn


def make_model():
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 64), nn.ReLU(), nn.Linear(64, 10))


class quantizable(nn.Module):
    def __init__(self, body):
        super().__init__()
        self.quant = torch.ao.quantization.QuantStub()
        self.body = body
        self.dequant = torch.ao.quantization.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.body(self.quant(x)))


def int8_model(model, images, engine):
    torch.backends.quantized.engine = engine  # also the engine the converted model runs on
    q = quantizable(make_model())
    q.body.load_state_dict(model.state_dict())
    q.eval()
    torch.ao.quantization.fuse_modules(q.body, [["0", "1"], ["3", "4"], ["7", "8"]], inplace=True)
    q.qconfig = torch.ao.quantization.get_default_qconfig(engine)
    torch.ao.quantization.prepare(q, inplace=True)
    with torch.inference_mode():
        for x in images:
            q(x)
    torch.ao.quantization.convert(q, inplace=True)
    return q


def cpu_us_per_image(model, images, seconds):
    """CPU microseconds per call of model(x), over at least `seconds` of CPU time."""
    with torch.inference_mode():
        for x in images[:8]:
            model(x)  # warm-up
        calls, start = 0, time.process_time()
        while True:
            for x in images:
                model(x)
            calls += len(images)
            elapsed = time.process_time() - start
            if elapsed >= seconds:
                return 1e6 * elapsed / calls


def edgeloop_us_per_image(path, seconds):
    out = subprocess.run([path, "--benchmark_filter=BM_CnnBatch1(Float|Int8)$", "--benchmark_format=json",
                          f"--benchmark_min_time={seconds}"], check=True, capture_output=True, text=True).stdout
    times = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("error_occurred"):
            raise SystemExit(f"pytorch_batch1: {b['name']}: {b.get('error_message')}")
        unit = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
        times[b["name"]] = b["cpu_time"] * unit
    return times["BM_CnnBatch1Float"], times["BM_CnnBatch1Int8"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgeloop-bench", default=None, help="edgeloop_bench executable (bench preset)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=1.0, help="CPU seconds per measurement")
    ap.add_argument("--engines", default="qnnpack,onednn", help="quantized engines, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    engines = [e for e in a.engines.split(",") if e]
    for e in engines:
        if e not in torch.backends.quantized.supported_engines:
            raise SystemExit(f"pytorch_batch1: engine '{e}' not in this build "
                             f"({', '.join(torch.backends.quantized.supported_engines)})")
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(3)
    images = []
    for _ in range(64):
        x = torch.rand(1, 1, 28, 28, generator=g)
        x[torch.rand(1, 1, 28, 28, generator=g) < 0.5] = 0.0
        images.append(x)
    model = make_model().eval()
    qmodels = {e: int8_model(model, images, e) for e in engines}
    params = sum(p.numel() for p in model.parameters())

    rounds = {"torch_float": [], **{f"torch_int8_{e}": [] for e in engines}, "edgeloop_float": [], "edgeloop_int8": []}
    for r in range(a.rounds):
        if a.edgeloop_bench:
            ef, ei = edgeloop_us_per_image(a.edgeloop_bench, a.seconds)
            rounds["edgeloop_float"].append(ef)
            rounds["edgeloop_int8"].append(ei)
        rounds["torch_float"].append(cpu_us_per_image(model, images, a.seconds))
        for e in engines:
            torch.backends.quantized.engine = e
            rounds[f"torch_int8_{e}"].append(cpu_us_per_image(qmodels[e], images, a.seconds))
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} us" for k, v in rounds.items() if v), flush=True)
    med = {k: statistics.median(v) for k, v in rounds.items() if v}
    best = min(engines, key=lambda e: med[f"torch_int8_{e}"])
    med["torch_int8"] = med[f"torch_int8_{best}"]
    result = {"program": "pytorch_batch1", "params": params, "threads": 1, "fastest_int8_engine": best,
              "torch": torch.__version__, "rounds": a.rounds, "metric": "median CPU us per image",
              **{k + "_us": round(v, 2) for k, v in med.items()}}
    if a.edgeloop_bench:
        result["speedup_float"] = round(med["torch_float"] / med["edgeloop_float"], 2)
        result["speedup_int8"] = round(med["torch_int8"] / med["edgeloop_int8"], 2)
        result["speedup_int8_vs_torch_float"] = round(med["torch_float"] / med["edgeloop_int8"], 2)
    print("PyTorch 1 thread: float {:.1f} us, int8 {} per image".format(
        med["torch_float"], ", ".join(f"{med['torch_int8_' + e]:.1f} us ({e})" for e in engines)))
    if a.edgeloop_bench:
        print("edgeloop: float {:.1f} us ({:.2f}x PyTorch float), int8 {:.1f} us ({:.2f}x PyTorch int8 {})".format(
            med["edgeloop_float"], result["speedup_float"], med["edgeloop_int8"], result["speedup_int8"], best))
    if a.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
