/**
 * Run in a fresh process by export-metrics.ts: exports one capture to a file and
 * prints `{ seconds, events, bytes, maxRssMb }` as JSON, so peak RSS is the export's
 * own (a fresh heap), not the benchmark runner's.
 * Usage: tsx bench/export-child.ts CAPTURE OUT
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { openCapture } from '../recorder/capture/reader';
import { exportCapture } from '../recorder/export/export-capture';
import { peakRssMb } from './peak-rss';

const [capture, out] = process.argv.slice(2);
const reader = openCapture(capture!);
if (!reader.ok) throw new Error(reader.error.message);
const fd = openSync(out!, 'w');
const t0 = performance.now();
const r = exportCapture(reader.value, { format: 'perfetto', out: { write: (b) => void writeSync(fd, b) } });
const seconds = (performance.now() - t0) / 1e3;
closeSync(fd);
if (!r.ok) throw new Error(r.error.message);
console.log(JSON.stringify({ seconds, events: r.value.events, bytes: r.value.bytes, maxRssMb: peakRssMb() }));
