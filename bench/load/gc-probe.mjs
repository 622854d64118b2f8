// Preload for benchmarked daemons (node --expose-gc --import bench/load/gc-probe.mjs ...): on
// SIGUSR2, run a full garbage collection and write process.memoryUsage() as one JSON line to
// $GDOI_GC_PROBE_OUT. Lets a benchmark read live memory (what members really cost) instead of
// an RSS that still holds garbage from finished exchanges. Changes nothing else in the process.
import { appendFileSync } from 'node:fs';

const out = process.env.GDOI_GC_PROBE_OUT;
if (out && typeof globalThis.gc === 'function') {
  process.on('SIGUSR2', () => {
    globalThis.gc();
    globalThis.gc();   // a second pass frees what the first one's finalizers released
    const m = process.memoryUsage();
    appendFileSync(out, `${JSON.stringify({ at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
  });
}
