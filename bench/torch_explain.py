#!/usr/bin/python3
"""PyTorch side of bench/bench_explain.sh: hand-written autograd equivalents of three
attribution methods on the network of bench/torch_nn.py (the same as mrl_arch_default(k)),
printing "method/batch explanations_per_s peak_rss_mib explanations_per_cpu_s":
  gradient           d logit_1 / d x for a batch of images
  guided             the same through ReLUs with the guided-backprop backward rule
  smoothgrad-guided  50 noisy copies (sigma 0.15) per image through guided ReLUs, copies
                     of all images run in chunks of 64 rows (as mirlens batches them)
  smoothgrad         the same with plain ReLUs
Run with Debian's python3-torch and glibc told to keep freed memory:
  MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 MALLOC_TOP_PAD_=1000000000 \\
    /usr/bin/python3 bench/torch_explain.py --k 3 --threads 2 --method guided --batch 32
"""
import argparse
import os
import resource
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_nn import GuidedReLU, make_net, timeit  # noqa: E402  (the engine bench's net)


def grad_of(model, x):
    x = x.clone().requires_grad_(True)
    model(x)[:, 1].sum().backward()
    return x.grad


def smoothgrad(model, x, samples, sigma, chunk=64):
    rows = x.repeat_interleave(samples, 0)
    rows = rows + sigma * torch.randn_like(rows)
    g = torch.cat([grad_of(model, rows[i:i + chunk]) for i in range(0, rows.shape[0], chunk)])
    return g.view(x.shape[0], samples, *x.shape[1:]).mean(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--method", default="smoothgrad-guided")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--samples", type=int, default=50)
    ap.add_argument("--min-seconds", type=float, default=2.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net = make_net(a.k).eval()
    gnet = nn.Sequential(*[GuidedReLU() if isinstance(m, nn.ReLU) else m for m in net]).eval()
    x = torch.rand(a.batch, 3, 25, 100)
    fns = {
        "gradient": lambda: grad_of(net, x),
        "guided": lambda: grad_of(gnet, x),
        "smoothgrad": lambda: smoothgrad(net, x, a.samples, 0.15),
        "smoothgrad-guided": lambda: smoothgrad(gnet, x, a.samples, 0.15),
    }
    ips, cps = timeit(fns[a.method], a.batch, a.min_seconds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"{a.method}/{a.batch} {ips:.2f} {rss:.0f} {cps:.2f}", flush=True)


if __name__ == "__main__":
    main()
