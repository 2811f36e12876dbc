#!/usr/bin/env python3
"""Train the PyTorch anchor's Glow (../shared/anchors/torch_glow.py) on glow-trade's scaled feature
rows, the same way `glow-trade train` does, and print its per-epoch NLL as JSON.

Input: an .npz-free plain format so nothing but torch is needed — a CSV written by
bench/real-data.ts with a header `split,f0,...,f15` (split = train | validation).
Same settings as ours: Adam lr, batch size, epochs, shuffled minibatches (seeded), ActNorm data
init on up to 4096 training rows, global gradient-norm clip 10, validation NLL after every epoch, best epoch reported.
Usage: /usr/bin/python3 bench/anchor_train.py ROWS.csv ANCHOR.py EPOCHS BATCH LR SEED
"""
import csv, importlib.util, json, math, sys, time
import torch

rows_csv, anchor, epochs, batch, lr, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
spec = importlib.util.spec_from_file_location('torch_glow', anchor)
tg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tg)
torch.manual_seed(seed)
torch.set_num_threads(1)
train, val = [], []
with open(rows_csv) as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        (train if row[0] == 'train' else val).append([float(v) for v in row[1:]])
xt, xv = torch.tensor(train), torch.tensor(val)
d = xt.shape[1]
model = tg.Glow(d, 3, 4, 64)
g = torch.Generator().manual_seed(seed)
init = xt[torch.randperm(len(xt), generator=g)[:4096]]
with torch.no_grad():
    model.log_prob(init)  # data-dependent ActNorm init
opt = torch.optim.Adam(model.parameters(), lr=lr)
history, best = [], (math.inf, 0)
t0 = time.time()
for epoch in range(1, epochs + 1):
    perm = torch.randperm(len(xt), generator=g)
    total = 0.0
    for i in range(0, len(xt), batch):
        xb = xt[perm[i:i + batch]]
        loss = -model.log_prob(xb).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)  # as fitGlow's clipNorm default
        opt.step()
        total += loss.item() * len(xb)
    with torch.no_grad():
        v = -model.log_prob(xv).mean().item()
    history.append({'epoch': epoch, 'trainNll': total / len(xt), 'valNll': v})
    if v < best[0]:
        best = (v, epoch)
print(json.dumps({'history': history, 'bestValNll': best[0], 'bestEpoch': best[1], 'seconds': time.time() - t0,
                  'bitsPerDim': best[0] / (d * math.log(2)), 'trainRows': len(xt), 'validationRows': len(xv)}))
