/**
 * @fileoverview How much CPU other processes used while a benchmark repetition ran: busy time of
 * the whole machine (/proc/stat) minus this process's own (every thread, workers included), in
 * cores. The machine is shared, so a repetition next to another job is flagged, not trusted.
 * Where /proc/stat is unreadable (not Linux) the figure is null.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc/stat on every Linux we run on. */
const USER_HZ = 100;

interface Snapshot {
  wall: number;
  busySeconds: number;
  ownSeconds: number;
}

function snapshot(): Snapshot | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait
    const busy = fields.reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
    const own = process.cpuUsage();
    return { wall: performance.now() / 1000, busySeconds: busy / USER_HZ, ownSeconds: (own.user + own.system) / 1e6 };
  } catch {
    return null;
  }
}

/** Start measuring; the returned function gives the cores other processes used since. */
export function foreignLoad(): () => number | null {
  const s0 = snapshot();
  return () => {
    const s1 = snapshot();
    if (!s0 || !s1 || s1.wall <= s0.wall) return null;
    const other = s1.busySeconds - s0.busySeconds - (s1.ownSeconds - s0.ownSeconds);
    return Math.max(0, other / (s1.wall - s0.wall));
  };
}
