/**
 * @fileoverview Writes oclif.manifest.json at build time (what `oclif manifest` does, without the
 * `oclif` dev tool and its dependency tree): the CLI then reads every command's flags and help from
 * one JSON file instead of importing every command module at start-up. Run after `tsc`, from the
 * package root: `node dist/src/cli/write-manifest.js`. Commands that fail to load stop the build.
 */
import { Plugin } from '@oclif/core';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';

const root = resolve(process.argv[2] ?? '.');
const path = join(root, 'oclif.manifest.json');
// A stale manifest must not be read while we rebuild it.
rmSync(path, { force: true });
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true });
await plugin.load();
const ids = Object.keys(plugin.manifest.commands);
writeFileAtomic(path, JSON.stringify(plugin.manifest, null, 2) + '\n');
console.log(`oclif.manifest.json: ${ids.length} commands (${ids.sort().join(', ')})`);
