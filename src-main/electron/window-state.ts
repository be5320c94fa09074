/**
 * The main window's size and place, remembered between runs: saved when it moves or resizes, and
 * restored only where a screen still shows it (a monitor unplugged since must not leave the window
 * off-screen). Pure but for the file it reads and writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Bounds {
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 };
const MIN_SIZE = { width: 640, height: 400 };
/** At least this much of the window's title bar must be on some screen. */
const VISIBLE_MARGIN = 80;

function isState(v: unknown): v is WindowState {
  const o = v as Record<string, unknown> | null;
  return (
    typeof o === 'object' && o !== null &&
    ['x', 'y', 'width', 'height'].every((k) => typeof o[k] === 'number' && Number.isFinite(o[k])) &&
    typeof o.maximized === 'boolean'
  );
}

/** Where to open the window: the saved bounds when a screen shows enough of them, else the default size. */
export function restoredBounds(saved: unknown, screens: readonly Bounds[]): (Partial<Bounds> & { width: number; height: number }) & { maximized: boolean } {
  if (!isState(saved)) return { ...DEFAULT_SIZE, maximized: false };
  const width = Math.max(MIN_SIZE.width, Math.round(saved.width));
  const height = Math.max(MIN_SIZE.height, Math.round(saved.height));
  const visible = screens.some(
    (s) =>
      saved.x + width - VISIBLE_MARGIN >= s.x && saved.x + VISIBLE_MARGIN <= s.x + s.width &&
      saved.y >= s.y && saved.y + VISIBLE_MARGIN <= s.y + s.height,
  );
  if (!visible) return { width: Math.min(width, DEFAULT_SIZE.width), height: Math.min(height, DEFAULT_SIZE.height), maximized: saved.maximized };
  return { x: Math.round(saved.x), y: Math.round(saved.y), width, height, maximized: saved.maximized };
}

export function readWindowState(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

export function writeWindowState(path: string, state: WindowState): void {
  try {
    writeFileSync(path, JSON.stringify(state));
  } catch {
    // Not remembering the window's place is no reason to bother the user.
  }
}
