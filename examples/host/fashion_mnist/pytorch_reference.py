#!/usr/bin/python3
"""The same training in PyTorch, for comparison with fashion_mnist (not a dependency).

--model mlp: 784-128-10 (relu); --model cnn: conv3x3(16)-relu-maxpool2-conv3x3(32)-relu-
maxpool2-dropout0.25-dense32-relu-dense10 (no padding, 30,762 parameters); --model cnn-small /
cnn-plain: conv3x3(8)-relu-maxpool2-conv3x3(16)-relu-maxpool2-[dropout0.25]-dense64-relu-dense10
(27,562 parameters). Pixels / 255, Adam lr 1e-3,
mini-batches of 32 shuffled every epoch, all 60,000 training images, CPU. Prints one JSON
line like fashion_mnist --json.
Usage: pytorch_reference.py [--model mlp|cnn|cnn-small|cnn-plain] [--epochs N] [--data DIR] [--threads T] [--seed N]
       pytorch_reference.py --batch1-steps N [--model ...] [--threads T]

--batch1-steps N: instead of training on Fashion-MNIST, times N batch-size-1 training steps
(zero_grad, forward, cross-entropy, backward, Adam step) on the workload of
benchmarks/bench_nn.cpp (BM_NnMlpTrainStep / BM_NnCnnTrainStep): 256 random 28x28 images,
each pixel 0 with probability 1/2 else uniform in [0, 1), random labels, cycled; after a
warm-up of min(N, 1000) steps. Prints microseconds per sample (wall and process CPU) as JSON.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def build_model(name):
    nn = torch.nn
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.25), nn.Linear(800, 32), nn.ReLU(),
                             nn.Linear(32, 10))
    if name.startswith("cnn"):
        drop1 = [] if name == "cnn-plain" else [nn.Dropout(0.25)]
        return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), *drop1, nn.Linear(400, 64), nn.ReLU(), nn.Linear(64, 10))
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def batch1_timing(a):
    """Batch-size-1 training steps on bench_nn's synthetic workload (see the module doc)."""
    g = torch.Generator().manual_seed(3)
    x = torch.rand(256, 784, generator=g) * (torch.rand(256, 784, generator=g) >= 0.5)
    y = torch.randint(0, 10, (256,), generator=g)
    if a.model.startswith("cnn"):
        x = x.reshape(-1, 1, 28, 28)
    model = build_model(a.model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def steps(count):
        for i in range(count):
            k = i % 256
            opt.zero_grad()
            loss_fn(model(x[k:k + 1]), y[k:k + 1]).backward()
            opt.step()

    steps(min(a.batch1_steps, 1000))
    t0, c0 = time.perf_counter(), time.process_time()
    steps(a.batch1_steps)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"model": "pytorch_" + a.model, "batch1_steps": a.batch1_steps, "threads": a.threads,
                      "us_per_sample": round(1e6 * wall / a.batch1_steps, 2),
                      "cpu_us_per_sample": round(1e6 * cpu / a.batch1_steps, 2),
                      "flush_denormal": a.flush_denormal, "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["mlp", "cnn", "cnn-small", "cnn-plain"], default="mlp")
    ap.add_argument("--epochs", type=int, default=None, help="default: mlp 10, cnn 15")
    ap.add_argument("--lr-decay-epochs", type=int, default=None,
                    help="halve (--lr-decay) the learning rate every K epochs; default: mlp 0 (constant), cnn 5")
    ap.add_argument("--lr-decay", type=float, default=0.5)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--test-every-epoch", action="store_true", help="test accuracy after each epoch (not timed)")
    ap.add_argument("--batch1-steps", type=int, default=0,
                    help="time N batch-size-1 training steps on bench_nn's synthetic workload instead")
    ap.add_argument("--flush-denormal", action="store_true",
                    help="torch.set_flush_denormal(True): subnormal floats become 0 (x86 FTZ/DAZ)")
    a = ap.parse_args()
    if a.epochs is None:
        a.epochs = 15 if a.model.startswith("cnn") else 10
    if a.lr_decay_epochs is None:
        a.lr_decay_epochs = 5 if a.model.startswith("cnn") else 0
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.flush_denormal:
        torch.set_flush_denormal(True)
    if a.batch1_steps > 0:
        batch1_timing(a)
        return
    load = lambda p: torch.tensor(read_idx(f"{a.data}/{p}"))
    xtr = load("train-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255.0
    ytr = load("train-labels-idx1-ubyte.gz").long()
    xte = load("t10k-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255.0
    yte = load("t10k-labels-idx1-ubyte.gz").long()
    model = build_model(a.model)
    if a.model.startswith("cnn"):
        xtr, xte = xtr.reshape(-1, 1, 28, 28), xte.reshape(-1, 1, 28, 28)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    updates_per_epoch = (xtr.shape[0] + 31) // 32
    # StepLR counted in updates, as edgeloop's lr_schedule (step) in fashion_mnist.
    sched = (torch.optim.lr_scheduler.StepLR(opt, step_size=a.lr_decay_epochs * updates_per_epoch, gamma=a.lr_decay)
             if a.lr_decay_epochs > 0 else None)
    loss_fn = torch.nn.CrossEntropyLoss()
    wall, cpu = 0.0, 0.0
    for epoch in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        perm = torch.randperm(xtr.shape[0])
        total = 0.0
        for i in range(0, xtr.shape[0], 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            total += loss.item() * len(idx)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        print(f"epoch {epoch + 1}/{a.epochs}  loss {total / xtr.shape[0]:.4f}  {time.perf_counter() - t0:.2f} s"
              f"  ({time.process_time() - c0:.2f} s CPU)", flush=True)
        if a.test_every_epoch:
            model.eval()  # dropout off
            with torch.no_grad():
                print(f"  test accuracy after epoch {epoch + 1}: {100 * (model(xte).argmax(1) == yte).float().mean().item():.2f}%", flush=True)
            model.train()
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(json.dumps({"model": "pytorch_" + a.model, "test_accuracy": round(acc, 4), "epochs": a.epochs,
                      "seconds": round(wall, 3), "seconds_per_epoch": round(wall / a.epochs, 3),
                      "cpu_seconds_per_epoch": round(cpu / a.epochs, 3), "threads": a.threads,
                      "lr_decay_epochs": a.lr_decay_epochs, "lr_decay": a.lr_decay,
                      "params": sum(p.numel() for p in model.parameters()), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
