import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCSV, toCSV } from 'arquero';
import { computeFeatures, FEATURE_NAMES } from '../../src/data/features.js';
import { featureColumn, featureCsvChunks, featuresToCsv, featuresToTable, writeFeaturesCsv } from '../../src/data/features-table.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const features = computeFeatures(simulateMarket({ bars: 40, seed: 4 }));

test('the table has timestamp and the 16 named columns, one row per feature row', () => {
  const t = featuresToTable(features);
  assert.equal(t.columnNames(), ['timestamp', ...FEATURE_NAMES]);
  assert.is(t.numRows(), 20);
  assert.equal(Array.from(t.array('timestamp') as ArrayLike<number>), Array.from(features.timestamps));
  assert.equal(Array.from(t.array('rsi') as ArrayLike<number>), Array.from(featureColumn(features, 'rsi')));
  assert.is(featureColumn(features, 'return_5')[3], features.data[3 * 16 + 1]);
  assert.throws(() => featureColumn(features, 'nope'), /no feature "nope"/);
});

test('CSV round-trips every value exactly and is written atomically', () => {
  const csv = featuresToCsv(features);
  assert.is(csv.split('\n')[0], ['timestamp', ...FEATURE_NAMES].join(','));
  const back = fromCSV(csv);
  for (const [j, name] of features.names.entries()) {
    const col = back.array(name) as ArrayLike<number>;
    for (let i = 0; i < features.rows; i++) assert.is(col[i], features.data[i * 16 + j]);
  }
  const path = join(tempDir(), 'f.csv');
  writeFeaturesCsv(path, features);
  assert.is(readFileSync(path, 'utf8'), csv);
});

test('a large set is written in chunks of rows, byte for byte what one string (arquero toCSV) would be', () => {
  const big = computeFeatures(simulateMarket({ bars: 16_384 + 30, seed: 5 }));
  const chunks = Array.from(featureCsvChunks(big));
  assert.equal([chunks.length, chunks[0]], [3, ['timestamp', ...FEATURE_NAMES].join(',') + '\n']);
  const path = join(tempDir(), 'big.csv');
  writeFeaturesCsv(path, big);
  assert.is(readFileSync(path, 'utf8'), toCSV(featuresToTable(big)));
});

test.after(removeTempDirs);
test.run();
