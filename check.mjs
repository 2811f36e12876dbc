
    import { simulateMarket, trainOnCandles, bundleToBytes, bundleFromBytes, scaledRows, computeFeatures } from 'glow-trade';
    import { renderReport } from 'glow-trade/report';
    const candles = simulateMarket({ bars: 1500, seed: 3 });
    const { bundle } = trainOnCandles(candles, { seed: 1, fit: { epochs: 1 } });
    const back = bundleFromBytes(bundleToBytes(bundle));
    const f = computeFeatures(candles);
    const logp = back.glow.logProb(scaledRows(back.scaler, f, 0, 10));
    console.log(JSON.stringify({ finite: logp.every(Number.isFinite), rows: logp.length, variant: back.glow.engine?.variant ?? null, report: typeof renderReport }));
  