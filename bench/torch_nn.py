#!/usr/bin/python3
"""PyTorch side of bench/bench_nn.sh: the same network as mrl_arch_default(k) timed on the
same tasks, printing one line per task: "task images_per_s peak_rss_mib images_per_cpu_s".

Run with Debian's python3-torch (1.13) and glibc told to keep freed memory:
  MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 MALLOC_TOP_PAD_=1000000000 \
    /usr/bin/python3 bench/torch_nn.py --k 5 --threads 2 --tasks train128,infer1
"""
import argparse
import contextlib
import resource
import time

import torch
import torch.nn as nn


def make_net(k):
    layers, c, first = [], 3, True
    for w in (48, 60, 72):
        for _ in range(2):
            layers += [nn.Conv2d(c, w, k, padding=0 if first else "same"), nn.ReLU()]
            c, first = w, False
        layers += [nn.MaxPool2d(2), nn.Dropout(0.25)]
    layers += [nn.Flatten(), nn.Linear(72 * 2 * 12, 256), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(256, 2)]
    net = nn.Sequential(*layers)
    for m in net:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


class Guided(torch.autograd.Function):
    """ReLU with the guided-backprop backward rule."""

    @staticmethod
    def forward(ctx, x):
        y = x.clamp(min=0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (y > 0) * (g > 0)


class GuidedReLU(nn.Module):
    def forward(self, x):
        return Guided.apply(x)


def timeit(fn, n_img, min_s):
    fn()  # warm-up (allocations, kernel creation)
    fn()
    reps, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        fn()
        reps += 1
        dt = time.perf_counter() - t0
        if dt >= min_s and reps >= 3:
            return reps * n_img / dt, reps * n_img / (time.process_time() - c0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tasks", default="train128,infer1,infer256,grad1,grad128,smooth50")
    ap.add_argument("--min-seconds", type=float, default=2.0)
    ap.add_argument("--precision", choices=("f32", "bf16"), default="f32",
                    help="bf16: every pass under torch.autocast('cpu', bfloat16)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net = make_net(a.k)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    lossf = nn.CrossEntropyLoss()
    gnet = nn.Sequential(*[GuidedReLU() if isinstance(m, nn.ReLU) else m for m in net]).eval()
    xb = {n: torch.rand(n, 3, 25, 100) for n in (1, 50, 128, 256)}
    lab = torch.randint(0, 2, (128,))

    def train():
        net.train()
        opt.zero_grad()
        lossf(net(xb[128]), lab).backward()
        opt.step()

    def infer(n):
        net.eval()
        with torch.no_grad():
            torch.softmax(net(xb[n]), 1)

    def grad(n, model):
        model.eval()
        x = xb[n].clone().requires_grad_(True)
        out = model(x)
        out[:, 1].sum().backward()
        return x.grad

    def smooth():
        noise = torch.randn(50, 3, 25, 100) * 0.15
        g = grad_of(xb[1] + noise, gnet)
        return g.mean(0)

    def grad_of(x, model):
        x = x.clone().requires_grad_(True)
        model(x)[:, 1].sum().backward()
        return x.grad

    tasks = {
        "train128": (train, 128),
        "infer1": (lambda: infer(1), 1),
        "infer256": (lambda: infer(256), 256),
        "grad1": (lambda: grad(1, net), 1),
        "grad128": (lambda: grad(128, net), 128),
        "smooth50": (smooth, 1),
    }
    def autocast():
        if a.precision == "bf16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    for t in a.tasks.split(","):
        fn, n = tasks[t]

        def run(fn=fn):
            with autocast():
                fn()

        ips, cps = timeit(run, n, a.min_seconds)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print(f"{t} {ips:.2f} {rss:.0f} {cps:.2f}", flush=True)


if __name__ == "__main__":
    main()
