// Theme colours for the canvas: cytoscape accepts hex, rgb() and names but not 8-digit hex (what
// the CSS minifier turns rgba() into), and a translucent fill would let edges show through a
// node. So every colour is taken as the browser normalizes it (#rrggbb or rgba(), as a canvas
// context's fillStyle reads back) and blended over the panel colour into an opaque rgb().

export type Rgba = [r: number, g: number, b: number, a: number];

/** `rgb(1, 2, 3)`, `rgba(1, 2, 3, 0.5)` or `rgb(1 2 3 / 50%)`, as getComputedStyle writes them; null otherwise. */
export function parseRgb(value: string): Rgba | null {
  const m = /^rgba?\(\s*([^)]*)\)$/i.exec(value.trim());
  if (!m?.[1]) return null;
  const parts = m[1].split(/[\s,/]+/).filter((p) => p !== '');
  if (parts.length < 3 || parts.length > 4) return null;
  const channel = (p: string): number => (p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p));
  const alpha = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
  const out: Rgba = [channel(parts[0]!), channel(parts[1]!), channel(parts[2]!), alpha];
  return out.every((v) => Number.isFinite(v)) ? out : null;
}

/** `color` over the opaque `under`, as an opaque `rgb()`. */
export function blendOver(color: Rgba, under: Rgba): string {
  const a = Math.min(1, Math.max(0, color[3]));
  const mix = (i: 0 | 1 | 2): number => Math.round(color[i] * a + under[i] * (1 - a));
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** `#rgb`, `#rrggbb` or `#rrggbbaa`; null otherwise. */
export function parseHex(value: string): Rgba | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(value.trim());
  if (!m?.[1]) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  const byte = (i: number): number => parseInt(hex.slice(i, i + 2), 16);
  return [byte(0), byte(2), byte(4), hex.length === 8 ? byte(6) / 255 : 1];
}
