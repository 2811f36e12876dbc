#!/usr/bin/env python3
"""The PyTorch anchor (torch_glow.py) as a bench child process whose repetitions the bench
interleaves with its own (bench/remote.ts), so that drift of the shared host hits both sides alike.

It builds the anchor's own benchmark cases from the anchor's classes (its --bench cases: training
with EagerTrainer and FlatTrainer on a fixed correlated-Gaussian pool restarting from the same model,
no_grad log p and sampling at the inference batch, eager and TorchScript-frozen) plus single-row
log p (eager and frozen), then serves JSON lines on stdin/stdout:
  -> {"ready": true, "cases": [{id, engine, task, batch, threads, flopsPerSample}], "meta": {...}}
  <- {"op": "run", "id": i, "seconds": s}   -> {"rate": samples/s, "calls": n}
  <- {"op": "quit"}
Progress and warnings go to stderr. Usage: python3 torch_server.py ANCHOR.py THREADS TRAIN_BATCHES INFER_BATCH
(lists comma-separated).
"""
import importlib.util, json, sys, time
import torch

anchor, threads_arg, batches_arg, infer_batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
spec = importlib.util.spec_from_file_location("torch_glow", anchor)
tg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tg)
malloc_tuned = tg.tune_malloc()
DIM, LEVELS, STEPS, HIDDEN, SEED = 16, 3, 4, 64, 0


def new_model():
    torch.manual_seed(SEED)
    return tg.Glow(DIM, LEVELS, STEPS, HIDDEN)


fwd_flops = 2 * tg.forward_macs_per_sample(new_model())
g = torch.Generator().manual_seed(SEED + 3)
pool = tg.CorrelatedGaussian(DIM, seed=SEED).sample(65536, g)
data = tg.Moons16(DIM, seed=SEED)
inf_model = new_model()
warm = tg.EagerTrainer(inf_model)
for _ in range(50):
    warm.step(data.sample(256, g))
inf_model.eval()
x_inf = data.sample(infer_batch, g)
row = x_inf[:1].clone()
with torch.no_grad():
    lp_ts = torch.jit.freeze(torch.jit.trace(tg._LogProb(inf_model).eval(), x_inf))
    inv_ts = torch.jit.freeze(torch.jit.trace(tg._Inverse(inf_model).eval(), torch.randn(infer_batch, DIM)))
    row_ts = torch.jit.freeze(torch.jit.trace(tg._LogProb(inf_model).eval(), row))  # traced on one row, as a caller would
    assert (row_ts(row) - inf_model.log_prob(row)).abs().max().item() < 1e-3

cases = []  # (meta, fn, reset)


def add(threads, task, engine, batch, flops, fn, reset=None):
    cases.append(({"id": len(cases), "engine": f"torch-{engine}", "task": task, "batch": batch,
                   "threads": threads, "flopsPerSample": flops}, fn, reset))


def no_grad(fn):
    def wrapped():
        with torch.no_grad():
            fn()
    return wrapped


threads_list = [int(t) for t in threads_arg.split(",")]
for threads in threads_list:
    for B in [int(b) for b in batches_arg.split(",")]:
        batches = list(pool.split(B))
        for engine in ("eager", "jit_flat_adam"):
            model = new_model()
            if engine == "eager":
                with torch.no_grad():
                    model.log_prob(batches[0])  # ActNorm init
                tr = tg.EagerTrainer(model)
            else:
                tr = tg.FlatTrainer(model, batches[0])
            tr.snapshot()
            counter = iter(range(1 << 62))
            add(threads, "train", engine, B, 3 * fwd_flops,
                lambda tr=tr, batches=batches, counter=counter: tr.step(batches[next(counter) % len(batches)]),
                tr.restore)
    add(threads, "logprob", "eager", infer_batch, fwd_flops, no_grad(lambda: inf_model.log_prob(x_inf)))
    add(threads, "sample", "eager", infer_batch, fwd_flops, no_grad(lambda: inf_model.sample(infer_batch, 1.0)))
    add(threads, "logprob", "jit_frozen", infer_batch, fwd_flops, no_grad(lambda: lp_ts(x_inf)))
    add(threads, "sample", "jit_frozen", infer_batch, fwd_flops,
        no_grad(lambda: inv_ts(torch.randn(infer_batch, DIM))))
one = min(threads_list)
add(one, "logprob-1row", "eager", 1, fwd_flops, no_grad(lambda: inf_model.log_prob(row)))
add(one, "logprob-1row", "jit_frozen", 1, fwd_flops, no_grad(lambda: row_ts(row)))

libs = tg.loaded_libraries()
meta = {"torch": torch.__version__, "openblas": tg.openblas_info(libs), "cpu": tg.cpu_model(),
        "malloc_tuned": malloc_tuned,
        "aten_cpu_capability": next((l.split(":", 1)[1].strip() for l in torch.__config__.show().splitlines()
                                     if "CPU capability usage" in l), None)}
print(json.dumps({"ready": True, "cases": [c[0] for c in cases], "meta": meta}), flush=True)

for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("op") == "quit":
        break
    meta_c, fn, reset = cases[msg["id"]]
    if reset is not None:
        reset()
    torch.set_num_threads(meta_c["threads"])
    calls, t0 = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= msg["seconds"]:
            break
    print(json.dumps({"rate": calls * meta_c["batch"] / elapsed, "calls": calls}), flush=True)
