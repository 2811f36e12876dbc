#!/usr/bin/env python3
"""Export a glow-trade GLOW model to ONNX (the ONNX Runtime anchors of `npm run bench`).

torch 1.13's ONNX exporter rejects aten::diag and linalg.inv, which the anchor's FlowStep uses to
assemble each step's 1x1 matrix. So the exported graphs are wrappers that hold, per flow step, the
fused ActNorm-then-1x1 affine map as constants (A = W diag(e^logs), c = A b; its inverse
B = diag(e^-logs) W^-1 with offset -b, assembled here in float64 and stored as float32), followed by
the affine coupling with the step's own MLP weights. Same function and same weights as the input;
opset 14; batch axis dynamic. Needs only torch (not the `onnx` module).

Usage: /usr/bin/python3 export_glow.py PARAMS.json OUT_DIR [--anchor torch_glow.py]
  PARAMS.json: {"config": {dim, levels, steps, hidden}, "tensors": [{name, shape, data}],
                "check": {"x": [[...]], "z": [[...]]}}  (glow-trade's namedParameters + inputs)
Writes OUT_DIR/logprob.onnx (x[B,D] -> logp[B]), OUT_DIR/inverse.onnx (z[B,D] -> x[B,D]) and prints
JSON: torch's log p(check.x) and inverse(check.z). With --anchor, those come from the PyTorch anchor's
own Glow loaded with the same state_dict (and the wrapper's deviation from it is reported); without,
from the wrapper run eagerly in torch.
"""
import argparse, importlib.util, json, math, os, sys
import torch
import torch.nn as nn

LOG_2PI = math.log(2.0 * math.pi)


def fused_step(t, prefix, d):
    """(A, c, B, b) of one step: forward h = x A^T + c, inverse x = h B^T - b (float64 maths)."""
    g = lambda n: torch.tensor(t[prefix + n]["data"], dtype=torch.float64).reshape(t[prefix + n]["shape"])
    eye = torch.eye(d, dtype=torch.float64)
    perm = g("invconv.perm").long()
    L = torch.tril(g("invconv.lower"), -1) + eye
    U = torch.triu(g("invconv.upper"), 1) + torch.diag(g("invconv.sign_s") * torch.exp(g("invconv.log_s")))
    W = (L @ U)[perm]
    logs, bias = g("actnorm.logs"), g("actnorm.bias")
    A = W * torch.exp(logs)
    B = torch.linalg.inv(W) * torch.exp(-logs)[:, None]
    const = logs.sum() + g("invconv.log_s").sum()
    return A, A @ bias, B, bias, const


class Step(nn.Module):
    def __init__(self, t, prefix, d, hidden):
        super().__init__()
        A, c, B, b, self.const = fused_step(t, prefix, d)
        f32 = lambda v: v.to(torch.float32)
        for n, v in (("A_t", A.t().contiguous()), ("c", c), ("B_t", B.t().contiguous()), ("b", b)):
            self.register_buffer(n, f32(v))
        self.da, self.db = d // 2, d - d // 2
        self.fc = nn.ModuleList()
        for i, (fi, fo) in enumerate(((self.da, hidden), (hidden, hidden), (hidden, 2 * self.db)), 1):
            lin = nn.Linear(fi, fo)
            w = t[f"{prefix}coupling.fc{i}.weight"]
            lin.weight.data = torch.tensor(w["data"], dtype=torch.float32).reshape(w["shape"])
            lin.bias.data = torch.tensor(t[f"{prefix}coupling.fc{i}.bias"]["data"], dtype=torch.float32)
            self.fc.append(lin)

    def scale_shift(self, xa):
        h = self.fc[2](torch.relu(self.fc[1](torch.relu(self.fc[0](xa)))))
        return 2.0 * torch.tanh(h[:, : self.db]), h[:, self.db :]

    def forward(self, x):
        h = torch.addmm(self.c, x, self.A_t)
        ha, hb = h[:, : self.da], h[:, self.da :]
        log_s, t = self.scale_shift(ha)
        return torch.cat([ha, hb * torch.exp(log_s) + t], dim=1), log_s.sum(dim=1)

    def inverse(self, y):
        ya, yb = y[:, : self.da], y[:, self.da :]
        log_s, t = self.scale_shift(ya)
        h = torch.cat([ya, (yb - t) * torch.exp(-log_s)], dim=1)
        return torch.addmm(-self.b, h, self.B_t)


class Flow(nn.Module):
    def __init__(self, cfg, tensors):
        super().__init__()
        self.dim, self.out_dims, dims, d = cfg["dim"], [], [], cfg["dim"]
        for lvl in range(cfg["levels"]):
            dims.append(d)
            self.out_dims.append(d // 2 if lvl < cfg["levels"] - 1 else d)
            d -= self.out_dims[-1]
        self.levels = nn.ModuleList(
            nn.ModuleList(Step(tensors, f"levels.{l}.{k}.", dims[l], cfg["hidden"]) for k in range(cfg["steps"]))
            for l in range(cfg["levels"]))
        self.const = float(sum(s.const for level in self.levels for s in level))


class LogProb(nn.Module):
    def __init__(self, flow):
        super().__init__()
        self.flow = flow

    def forward(self, x):
        f, h, zs, ld = self.flow, x, [], None
        for lvl, level in enumerate(f.levels):
            for step in level:
                h, s = step(h)
                ld = s if ld is None else ld + s
            k = f.out_dims[lvl]
            zs.append(h[:, :k])
            h = h[:, k:]
        z = torch.cat(zs, dim=1)
        return -0.5 * (z * z).sum(dim=1) + (ld + (f.const - 0.5 * f.dim * LOG_2PI))


class Inverse(nn.Module):
    def __init__(self, flow):
        super().__init__()
        self.flow = flow

    def forward(self, z):
        f, offs = self.flow, [0]
        for k in f.out_dims:
            offs.append(offs[-1] + k)
        h = z[:, offs[-2] :]
        for lvl in reversed(range(len(f.levels))):
            if lvl < len(f.levels) - 1:
                h = torch.cat([z[:, offs[lvl] : offs[lvl + 1]], h], dim=1)
            for step in reversed(f.levels[lvl]):
                h = step.inverse(h)
        return h


def anchor_outputs(anchor, cfg, tensors, x, z):
    spec = importlib.util.spec_from_file_location("torch_glow", anchor)
    tg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tg)
    m = tg.Glow(cfg["dim"], cfg["levels"], cfg["steps"], cfg["hidden"])
    sd = m.state_dict()
    m.load_state_dict({k: torch.tensor(tensors[k]["data"], dtype=sd[k].dtype).reshape(sd[k].shape) for k in sd})
    for step in m.steps():
        step.actnorm.initialized = True
    m.eval()
    with torch.no_grad():
        return m.log_prob(x), m.inverse(z)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("params")
    ap.add_argument("out_dir")
    ap.add_argument("--anchor")
    a = ap.parse_args()
    with open(a.params) as f:
        p = json.load(f)
    cfg, tensors = p["config"], {t["name"]: t for t in p["tensors"]}
    flow = Flow(cfg, tensors).eval()
    lp, inv = LogProb(flow).eval(), Inverse(flow).eval()
    x = torch.tensor(p["check"]["x"], dtype=torch.float32)
    z = torch.tensor(p["check"]["z"], dtype=torch.float32)
    os.makedirs(a.out_dir, exist_ok=True)
    with torch.no_grad():
        for name, mod, inp, io in (("logprob", lp, x, ("x", "logp")), ("inverse", inv, z, ("z", "x"))):
            torch.onnx.export(mod, (inp,), os.path.join(a.out_dir, name + ".onnx"), opset_version=14,
                              input_names=[io[0]], output_names=[io[1]],
                              dynamic_axes={io[0]: {0: "batch"}, io[1]: {0: "batch"}})
        w_lp, w_inv = lp(x), inv(z)
    out = {"torch": torch.__version__, "opset": 14}
    if a.anchor:
        t_lp, t_inv = anchor_outputs(a.anchor, cfg, tensors, x, z)
        out.update(source="anchor", wrapperVsAnchor={
            "logprobMaxAbs": (w_lp - t_lp).abs().max().item(), "inverseMaxAbs": (w_inv - t_inv).abs().max().item()})
    else:
        t_lp, t_inv = w_lp, w_inv
        out["source"] = "wrapper"
    out.update(logp=t_lp.tolist(), inverse=t_inv.reshape(-1).tolist())
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
