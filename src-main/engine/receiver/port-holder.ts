/**
 * Who listens on a TCP port, when the system lets us tell: on Linux, the listening socket's inode
 * from /proc/net/tcp{,6}, then the process holding that inode among those this user may read. A
 * busy-port banner that says "taken by otelcol (pid 812)" saves the user a trip to `ss -ltnp`.
 * Elsewhere, or when the holder belongs to another user, the answer is null: the banner still says
 * the port is busy.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP state LISTEN in /proc/net/tcp. */
const LISTEN = '0A';

export function portHolder(port: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const inodes = listeningInodes(port);
    return inodes.size === 0 ? null : processHolding(inodes);
  } catch {
    return null;
  }
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== LISTEN) continue;
      const localPort = Number.parseInt(fields[1]!.split(':')[1] ?? '', 16);
      if (localPort === port && fields[9] !== '0') inodes.add(fields[9]!);
    }
  }
  return inodes;
}

function processHolding(inodes: Set<string>): string | null {
  const targets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (targets.has(link)) return `${processName(pid)} (pid ${pid})`;
    }
  }
  return null;
}

function processName(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || 'a process';
  } catch {
    return 'a process';
  }
}
