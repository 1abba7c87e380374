/**
 * Timeline items → the Chrome trace-event JSON format (`{"traceEvents":[…]}`), for
 * tools older than Perfetto's protobuf import (chrome://tracing, speedscope…).
 *
 * Mapping: a process track is a pid (with a process_name metadata event); every
 * other track is a thread of its process, or of the synthetic pid 0 "GPU stack" for
 * global tracks (scheduler, GPU, fences, faults), named by thread_name metadata and
 * ordered by thread_sort_index. Complete slices are "X", API calls "B"/"E",
 * instants "i" (thread scope), counters "C"; a flow's first occurrence is "s", later
 * ones "t" (bound to the enclosing slice). Timestamps are µs (the format's unit) as
 * decimals, so ns survive.
 */
import type { Args, TimelineItem, TimelineSink, TrackDef } from '../timeline/items';
import type { ByteSink } from './perfetto/perfetto-sink';

const GLOBAL_PID = 0;
const CHUNK_CHARS = 1 << 20;
const enc = new TextEncoder();

const us = (ns: number): string => (ns / 1000).toFixed(3);

export class JsonSink implements TimelineSink {
  private readonly tracks = new Map<number, { pid: number; tid: number }>();
  private readonly flowsSeen = new Set<number>();
  private buf = '';
  private first = true;

  constructor(private readonly sink: ByteSink) {
    this.buf = '{"displayTimeUnit":"ns","traceEvents":[\n';
    this.meta(GLOBAL_PID, 0, 'process_name', 'GPU stack');
  }

  item(item: TimelineItem): void {
    if (item.type === 'track') return this.track(item.track);
    const at = this.tracks.get(item.track) ?? { pid: GLOBAL_PID, tid: item.track };
    const base = `"pid":${at.pid},"tid":${at.tid},"ts":${us(item.tsNs)}`;
    switch (item.type) {
      case 'begin':
        this.push(`{"ph":"B",${base},"name":${JSON.stringify(item.name)},"cat":"${item.category}","args":${args(item.args)}}`);
        break;
      case 'end':
        this.push(`{"ph":"E",${base},"args":${args(item.args)}}`);
        break;
      case 'slice':
        this.push(`{"ph":"X",${base},"dur":${us(item.durNs)},"name":${JSON.stringify(item.name)},"cat":"${item.category}","args":${args(item.args)}}`);
        break;
      case 'instant':
        this.push(`{"ph":"i","s":"t",${base},"name":${JSON.stringify(item.name)},"cat":"${item.category}","args":${args(item.args)}}`);
        break;
      case 'counter':
        this.push(`{"ph":"C",${base},"name":"counter ${item.track}","args":{"value":${item.value}}}`);
        return;
    }
    for (const f of item.type === 'end' ? [] : item.flows) {
      const ph = this.flowsSeen.has(f) ? 't' : 's';
      this.flowsSeen.add(f);
      this.push(`{"ph":"${ph}","bp":"e",${base},"id":${f},"name":"chain","cat":"flow"}`);
    }
  }

  /** Writes the closing bracket and flushes. */
  finish(): void {
    this.buf += '\n]}\n';
    this.flush();
  }

  private track(t: TrackDef): void {
    if (t.kind === 'process') {
      this.tracks.set(t.id, { pid: t.pid!, tid: 0 });
      this.meta(t.pid!, 0, 'process_name', t.name);
      return;
    }
    const parentPid = t.pid ?? GLOBAL_PID;
    const tid = t.kind === 'thread' ? t.tid! : 1_000_000 + t.id;
    this.tracks.set(t.id, { pid: parentPid, tid });
    this.meta(parentPid, tid, 'thread_name', t.name);
    this.push(`{"ph":"M","pid":${parentPid},"tid":${tid},"name":"thread_sort_index","args":{"sort_index":${t.rank}}}`);
  }

  private meta(pid: number, tid: number, name: string, value: string): void {
    this.push(`{"ph":"M","pid":${pid},"tid":${tid},"name":"${name}","args":{"name":${JSON.stringify(value)}}}`);
  }

  private push(s: string): void {
    this.buf += this.first ? s : `,\n${s}`;
    this.first = false;
    if (this.buf.length >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    this.sink.write(enc.encode(this.buf));
    this.buf = '';
  }
}

const args = (a: Args): string => JSON.stringify(a);
