#!/usr/bin/python3
"""Reference vectors for the CNN engine (tests/ref/test_nn_ref.c), made with PyTorch.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_nn_ref.py [tests/data/nn]
Writes ref_nn.txt: a header comment naming this generator and the torch version, then one
tensor per line, "name count v1 v2 ...", float32 values printed with 9 significant digits.

Contents (all float32, NCHW, weights OIHW / (out,in)):
  conv_<tag>_{x,w,b,y,dy,dx,dw,db}  one conv layer: k3 valid, k3 same, k5 same, k4 same
  pool_{x,y,dy,dx}                  max pool 2x2 stride 2 (floor) on 7x9 maps
  relu_{x,dy,dx_std,dx_guided,dx_deconv}   ReLU and its three backward rules
  dense_{x,w,b,y,dy,dx,dw,db}       flatten (2,3,2,2) -> dense 7
  xent_{z,labels,loss,dz}           softmax + mean cross-entropy
  adam_{p0,g1,g2,g3,p1,p2,p3}       three Keras-style Adam steps (lr 1e-3, .9, .999, 1e-7)
  net_*                             the small network below: params, input, logits, loss,
                                    input gradient, parameter gradients, three training
                                    steps (dropout off, i.e. eval-mode forward) with Adam
Adam is written out as Keras computes it (epsilon added after the bias correction), which
torch.optim.Adam does not do; the arithmetic is float32 like Keras'.
"""
import os
import sys

import torch
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/data/nn"
torch.manual_seed(20240601)
lines = []


def put(name, t):
    v = t.detach().reshape(-1).to(torch.float32).tolist()
    lines.append(name + " " + str(len(v)) + " " + " ".join("%.9g" % x for x in v))


def rnd(*shape, scale=1.0):
    return (torch.rand(*shape) * 2 - 1) * scale


# ---- convolution -----------------------------------------------------------------------
for tag, k, same in (("k3v", 3, 0), ("k3s", 3, 1), ("k5s", 5, 1), ("k4s", 4, 1)):
    x = rnd(2, 3, 6, 7).requires_grad_(True)
    w = rnd(5, 3, k, k, scale=0.5).requires_grad_(True)
    b = rnd(5, scale=0.1).requires_grad_(True)
    if same:  # "same": total k-1 padding, the extra one at the end (as TensorFlow)
        lo, hi = (k - 1) // 2, k // 2
        y = F.conv2d(F.pad(x, (lo, hi, lo, hi)), w, b)
    else:
        y = F.conv2d(x, w, b)
    dy = rnd(*y.shape)
    y.backward(dy)
    for n, t in (("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy), ("dx", x.grad),
                 ("dw", w.grad), ("db", b.grad)):
        put("conv_%s_%s" % (tag, n), t)

# ---- max pooling -----------------------------------------------------------------------
x = rnd(2, 5, 7, 9).requires_grad_(True)
y = F.max_pool2d(x, 2)
dy = rnd(*y.shape)
y.backward(dy)
put("pool_x", x), put("pool_y", y), put("pool_dy", dy), put("pool_dx", x.grad)

# ---- relu and its backward rules ---------------------------------------------------------
x = rnd(2, 3, 4, 5)
dy = rnd(2, 3, 4, 5)
y = x.clamp(min=0)
put("relu_x", x), put("relu_dy", dy)
put("relu_dx_std", dy * (y > 0))
put("relu_dx_guided", dy * (y > 0) * (dy > 0))
put("relu_dx_deconv", dy.clamp(min=0))

# ---- flatten + dense -----------------------------------------------------------------------
x = rnd(3, 2, 2, 2).requires_grad_(True)
w = rnd(7, 8, scale=0.5).requires_grad_(True)
b = rnd(7, scale=0.1).requires_grad_(True)
y = F.linear(x.flatten(1), w, b)
dy = rnd(*y.shape)
y.backward(dy)
for n, t in (("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy), ("dx", x.grad),
             ("dw", w.grad), ("db", b.grad)):
    put("dense_" + n, t)

# ---- softmax + cross-entropy ---------------------------------------------------------------
z = rnd(5, 3, scale=4.0).requires_grad_(True)
lab = torch.tensor([0, 2, 1, 1, 0])
loss = F.cross_entropy(z, lab)
loss.backward()
put("xent_z", z), put("xent_labels", lab.float()), put("xent_loss", loss.reshape(1))
put("xent_dz", z.grad)


# ---- Adam (Keras form) ---------------------------------------------------------------------
def adam_step(p, g, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7):
    lr_t = torch.tensor(lr * (1 - b2 ** t) ** 0.5 / (1 - b1 ** t), dtype=torch.float32)
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    return p - lr_t * m / (v.sqrt() + eps), m, v


p = rnd(40)
m = torch.zeros(40)
v = torch.zeros(40)
put("adam_p0", p)
for t in (1, 2, 3):
    g = rnd(40, scale=float(t))
    p, m, v = adam_step(p, g, m, v, t)
    put("adam_g%d" % t, g)
    put("adam_p%d" % t, p)


# ---- the small network ---------------------------------------------------------------------
# L0 conv 3->6 k3 valid, L1 relu, L2 conv 6->5 k3 same, L3 relu, L4 maxpool 2,
# L5 dropout .25, L6 conv 5->7 k4 same, L7 maxpool 2, L8 relu, L9 flatten, L10 dense 9,
# L11 relu, L12 dropout .5, L13 dense 2; input 3x10x14.
def same_pad(x, k):
    lo, hi = (k - 1) // 2, k // 2
    return F.pad(x, (lo, hi, lo, hi))


shapes = [(6, 3, 3, 3), (6,), (5, 6, 3, 3), (5,), (7, 5, 4, 4), (7,), (9, 42), (9,),
          (2, 9), (2,)]
params = [rnd(*s, scale=0.4) for s in shapes]


def net(ps, x):
    w0, b0, w1, b1, w2, b2, w3, b3, w4, b4 = ps
    h = F.relu(F.conv2d(x, w0, b0))
    h = F.relu(F.conv2d(same_pad(h, 3), w1, b1))
    h = F.max_pool2d(h, 2)
    h = F.conv2d(same_pad(h, 4), w2, b2)
    h = F.relu(F.max_pool2d(h, 2))
    h = F.relu(F.linear(h.flatten(1), w3, b3))
    return F.linear(h, w4, b4)


x = rnd(3, 3, 10, 14).requires_grad_(True)
lab = torch.tensor([1, 0, 1])
put("net_params", torch.cat([p.reshape(-1) for p in params]))
put("net_x", x), put("net_labels", lab.float())
ps = [p.clone().requires_grad_(True) for p in params]
z = net(ps, x)
loss = F.cross_entropy(z, lab)
loss.backward()
put("net_logits", z), put("net_loss", loss.reshape(1)), put("net_dx", x.grad)
put("net_grads", torch.cat([p.grad.reshape(-1) for p in ps]))

flat = torch.cat([p.reshape(-1) for p in params])
mm = torch.zeros_like(flat)
vv = torch.zeros_like(flat)
losses = []
for t in (1, 2, 3):
    ps, off = [], 0
    for s in shapes:
        n = torch.Size(s).numel()
        ps.append(flat[off:off + n].reshape(s).clone().requires_grad_(True))
        off += n
    loss = F.cross_entropy(net(ps, x.detach()), lab)
    loss.backward()
    losses.append(loss.item())
    g = torch.cat([p.grad.reshape(-1) for p in ps])
    flat, mm, vv = adam_step(flat, g, mm, vv, t)
put("net_train_losses", torch.tensor(losses))
put("net_train_params", flat)

os.makedirs(OUT, exist_ok=True)
path = os.path.join(OUT, "ref_nn.txt")
with open(path, "w") as f:
    f.write("# generator: tools/make_nn_ref.py; torch %s; seed 20240601\n" % torch.__version__)
    f.write("\n".join(lines) + "\n")
print("wrote", path, os.path.getsize(path), "bytes")
