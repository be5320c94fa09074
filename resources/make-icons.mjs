// Generates the app and tray icons as real PNG files (run: node resources/make-icons.mjs).
// The glyph is a tiny trace tree: a root node fanning out to two children, one of which calls a
// third — the agent → llm / tool → tool shape the app draws. Drawn analytically (discs and
// capsules, 8×8 supersampling) so every size is crisp without an image library or a binary asset.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = import.meta.dirname;

// Glyph in unit coordinates (0..1), shared by every size.
const NODES = [
  { x: 0.3, y: 0.22, r: 0.15, role: 'root' },
  { x: 0.78, y: 0.42, r: 0.125, role: 'child' },
  { x: 0.22, y: 0.78, r: 0.125, role: 'child' },
  { x: 0.72, y: 0.84, r: 0.11, role: 'child' },
];
const EDGES = [
  [0, 1],
  [0, 2],
  [1, 3],
];
const EDGE_WIDTH = 0.085;

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Which part of the glyph a unit-space point hits: 'root', 'child', 'edge' or null. */
function glyphAt(u, v) {
  for (const n of NODES) if (Math.hypot(u - n.x, v - n.y) <= n.r) return n.role;
  for (const [a, b] of EDGES) {
    const na = NODES[a];
    const nb = NODES[b];
    if (distToSegment(u, v, na.x, na.y, nb.x, nb.y) <= EDGE_WIDTH / 2) return 'edge';
  }
  return null;
}

function roundedRectContains(u, v, radius) {
  const cx = Math.min(Math.max(u, radius), 1 - radius);
  const cy = Math.min(Math.max(v, radius), 1 - radius);
  return Math.hypot(u - cx, v - cy) <= radius;
}

/**
 * Renders `size`×`size` RGBA. `paint(u, v)` returns [r, g, b, a] (0..255) for a unit-space sample
 * or null for transparent; samples are averaged in premultiplied space so edges blend correctly.
 */
function render(size, paint, samples = 8) {
  const data = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = paint((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
          if (!c) continue;
          const alpha = c[3] / 255;
          r += c[0] * alpha;
          g += c[1] * alpha;
          b += c[2] * alpha;
          a += alpha;
        }
      }
      const n = samples * samples;
      const i = (y * size + x) * 4;
      data[i] = a ? Math.round(r / a) : 0;
      data[i + 1] = a ? Math.round(g / a) : 0;
      data[i + 2] = a ? Math.round(b / a) : 0;
      data[i + 3] = Math.round((a / n) * 255);
    }
  }
  return data;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, body) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// macOS template image: black plus alpha only; the OS tints it for light and dark menu bars.
const templatePaint = (u, v) => (glyphAt(u, v) ? [0, 0, 0, 255] : null);

// Linux and Windows trays do not tint: a mid-tone violet reads on both light and dark panels.
const colourTrayPaint = (u, v) => {
  const part = glyphAt(u, v);
  if (part === 'root') return [34, 211, 238, 255];
  if (part === 'child') return [139, 117, 255, 255];
  if (part === 'edge') return [139, 117, 255, 230];
  return null;
};

// App icon: the glyph, inset, on an indigo rounded square.
const appPaint = (u, v) => {
  if (!roundedRectContains(u, v, 0.22)) return null;
  const inset = 0.2;
  const gu = (u - inset) / (1 - 2 * inset);
  const gv = (v - inset) / (1 - 2 * inset);
  const part = glyphAt(gu, gv);
  if (part === 'root') return [34, 211, 238, 255];
  if (part === 'child') return [245, 243, 255, 255];
  if (part === 'edge') return [196, 190, 255, 255];
  const t = v; // vertical gradient
  return [Math.round(30 + 19 * t), Math.round(27 + 19 * t), Math.round(75 + 54 * t), 255];
};

const outputs = [
  ['trayTemplate.png', 16, templatePaint],
  ['trayTemplate@2x.png', 32, templatePaint],
  ['tray.png', 16, colourTrayPaint],
  ['tray@2x.png', 32, colourTrayPaint],
  ['icon.png', 256, appPaint],
  ['icon@2x.png', 512, appPaint],
];

for (const [name, size, paint] of outputs) {
  const png = encodePng(size, render(size, paint, size >= 256 ? 4 : 8));
  writeFileSync(join(OUT, name), png);
  console.log(`${name}: ${size}x${size}, ${png.length} bytes`);
}
