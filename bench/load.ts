/**
 * @fileoverview How much CPU other processes used while a benchmark repetition ran: busy time of
 * the whole machine (/proc/stat) minus this process's own (every thread, workers included), in
 * cores. The machine is shared, so a repetition next to another job is flagged, not trusted. The
 * bench's own child processes (remote engines, bench/remote.ts) count as this process.
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

/** CPU seconds (every thread) of another process, 0 once it has exited. */
function processSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(/\s+/);
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ; // utime, stime (fields 14, 15 of stat)
  } catch {
    return 0;
  }
}

function snapshot(pids: number[]): Snapshot | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait
    const busy = fields.reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
    const own = process.cpuUsage();
    const children = pids.reduce((sum, pid) => sum + processSeconds(pid), 0);
    return { wall: performance.now() / 1000, busySeconds: busy / USER_HZ, ownSeconds: (own.user + own.system) / 1e6 + children };
  } catch {
    return null;
  }
}

/** Start measuring; the returned function gives the cores other processes (but `pids`) used since. */
export function foreignLoad(pids: number[] = []): () => number | null {
  const s0 = snapshot(pids);
  return () => {
    const s1 = snapshot(pids);
    if (!s0 || !s1 || s1.wall <= s0.wall) return null;
    const other = s1.busySeconds - s0.busySeconds - (s1.ownSeconds - s0.ownSeconds);
    return Math.max(0, other / (s1.wall - s0.wall));
  };
}
