#!/usr/bin/python3
"""The same training in PyTorch, for comparison with fashion_mnist (not a dependency).

--model mlp: 784-128-10 (relu); --model cnn: conv3x3(16)-relu-maxpool2-conv3x3(32)-relu-
maxpool2-dropout0.25-dense32-relu-dense10 (no padding, 30,762 parameters); --model cnn-small /
cnn-plain: conv3x3(8)-relu-maxpool2-conv3x3(16)-relu-maxpool2-[dropout0.25]-dense64-relu-dense10
(27,562 parameters). Pixels / 255, Adam lr 1e-3,
mini-batches of 32 shuffled every epoch, all 60,000 training images, CPU; fashion_mnist's
defaults: 15 epochs, the learning rate halved every 5 epochs, and for the MLP Adam weight
decay 1e-4. Prints one JSON line like fashion_mnist --json.
Usage: pytorch_reference.py [--model mlp|cnn|cnn-small|cnn-plain] [--epochs N] [--data DIR] [--threads T] [--seed N]
                            [--lr-decay-epochs K] [--lr-decay G] [--weight-decay W]
                            [--validation-fraction F [--patience N]]
       pytorch_reference.py --batch1-steps N [--model ...] [--threads T]

--batch1-steps N: instead of training on Fashion-MNIST, times N batch-size-1 training steps
(zero_grad, forward, cross-entropy, backward, Adam step) on the workload of
benchmarks/bench_nn.cpp (BM_NnMlpTrainStep / BM_NnCnnTrainStep): 256 random 28x28 images,
each pixel 0 with probability 1/2 else uniform in [0, 1), random labels, cycled; after a
warm-up of min(N, 1000) steps. Prints microseconds per sample (wall and process CPU) as JSON.

--validation-fraction F holds out ceil(F * 60000) training images (a permutation from a
generator with a fixed seed, the same for every --seed; not edgeloop's permutation) and
reports validation accuracy and loss; --patience N stops when the validation loss has not
improved for N epochs in a row and puts back the weights of the best epoch, as
fashion_mnist --patience does. --weight-decay W is Adam's (coupled L2) weight decay.
"""
import argparse
import copy
import gzip
import json
import math
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
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--lr-decay-epochs", type=int, default=5,
                    help="halve (--lr-decay) the learning rate every K epochs (0: constant)")
    ap.add_argument("--lr-decay", type=float, default=0.5)
    ap.add_argument("--weight-decay", type=float, default=None,
                    help="Adam's (coupled L2) weight decay; default: mlp 1e-4, cnn 0")
    ap.add_argument("--validation-fraction", type=float, default=0.0,
                    help="hold out this fraction of the training images (fixed split), report validation figures")
    ap.add_argument("--patience", type=int, default=0,
                    help="early stopping on the validation loss, best epoch's weights put back (needs a split)")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--test-every-epoch", action="store_true", help="test accuracy after each epoch (not timed)")
    ap.add_argument("--batch1-steps", type=int, default=0,
                    help="time N batch-size-1 training steps on bench_nn's synthetic workload instead")
    ap.add_argument("--flush-denormal", action="store_true",
                    help="torch.set_flush_denormal(True): subnormal floats become 0 (x86 FTZ/DAZ)")
    a = ap.parse_args()
    if a.patience > 0 and a.validation_fraction <= 0:
        ap.error("--patience needs --validation-fraction")
    if a.weight_decay is None:
        a.weight_decay = 0.0 if a.model.startswith("cnn") else 1e-4
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
    xva, yva = None, None
    if a.validation_fraction > 0:
        n_val = math.ceil(a.validation_fraction * xtr.shape[0])
        split = torch.randperm(xtr.shape[0], generator=torch.Generator().manual_seed(20260601))
        xva, yva = xtr[split[-n_val:]], ytr[split[-n_val:]]
        xtr, ytr = xtr[split[:-n_val]], ytr[split[:-n_val]]
    model = build_model(a.model)
    if a.model.startswith("cnn"):
        xtr, xte = xtr.reshape(-1, 1, 28, 28), xte.reshape(-1, 1, 28, 28)
        if xva is not None:
            xva = xva.reshape(-1, 1, 28, 28)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=a.weight_decay)
    updates_per_epoch = (xtr.shape[0] + 31) // 32
    # StepLR counted in updates, as edgeloop's lr_schedule (step) in fashion_mnist.
    sched = (torch.optim.lr_scheduler.StepLR(opt, step_size=a.lr_decay_epochs * updates_per_epoch, gamma=a.lr_decay)
             if a.lr_decay_epochs > 0 else None)
    loss_fn = torch.nn.CrossEntropyLoss()
    wall, cpu = 0.0, 0.0
    best = {"loss": math.inf, "epoch": 0, "accuracy": 0.0, "state": None}
    last = {"loss": 0.0, "accuracy": 0.0}
    wait, epochs_run = 0, 0
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
        epochs_run = epoch + 1
        val = ""
        if xva is not None:
            model.eval()
            with torch.no_grad():
                out = model(xva)
                last = {"loss": loss_fn(out, yva).item(), "accuracy": (out.argmax(1) == yva).float().mean().item()}
            model.train()
            val = f"  val_loss {last['loss']:.4f}  val_acc {100 * last['accuracy']:.2f}%"
            if last["loss"] < best["loss"]:
                best = dict(last, epoch=epoch + 1, state=copy.deepcopy(model.state_dict()) if a.patience > 0 else None)
                wait = 0
                val += "  *"
            else:
                wait += 1
        print(f"epoch {epoch + 1}/{a.epochs}  loss {total / xtr.shape[0]:.4f}{val}  {time.perf_counter() - t0:.2f} s"
              f"  ({time.process_time() - c0:.2f} s CPU)", flush=True)
        if a.test_every_epoch:
            model.eval()  # dropout off
            with torch.no_grad():
                print(f"  test accuracy after epoch {epoch + 1}: {100 * (model(xte).argmax(1) == yte).float().mean().item():.2f}%", flush=True)
            model.train()
        if a.patience > 0 and wait >= a.patience:
            break
    restored = a.patience > 0 and best["epoch"] not in (0, epochs_run)
    if restored:
        model.load_state_dict(best["state"])
    kept = best if restored else dict(last, epoch=epochs_run)
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(json.dumps({"model": "pytorch_" + a.model, "test_accuracy": round(acc, 4), "epochs": epochs_run,
                      "seconds": round(wall, 3), "seconds_per_epoch": round(wall / epochs_run, 3),
                      "cpu_seconds_per_epoch": round(cpu / epochs_run, 3), "threads": a.threads, "seed": a.seed,
                      "lr_decay_epochs": a.lr_decay_epochs, "lr_decay": a.lr_decay, "weight_decay": a.weight_decay,
                      "patience": a.patience, "train_samples": xtr.shape[0],
                      "validation_samples": 0 if xva is None else xva.shape[0],
                      "validation_accuracy": round(kept["accuracy"], 4) if xva is not None else 0.0,
                      "validation_loss": round(kept["loss"], 4) if xva is not None else 0.0,
                      "best_epoch": kept["epoch"], "restored_best": restored,
                      "params": sum(p.numel() for p in model.parameters()), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
