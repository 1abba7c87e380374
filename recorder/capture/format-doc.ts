/**
 * The per-kind part of docs/capture-format.md, generated from `eventKinds` and one
 * sample event per kind (for the argument names and types). The doc test compares
 * the section between the markers with this output; regenerate it with
 * `UPDATE_DOCS=1 npx vitest run tests/roundtrip/format-doc.test.ts`.
 *
 * Example row:
 *   | `kmd.job_started` | kmd | `job:<jobId>` | — | `jobId` number, `slot` number | A job was written … |
 */
import { eventKinds, type EventKind, type EventOf, type KindSpec } from '../../engine/trace/events';

export const KINDS_BEGIN = '<!-- event-kinds:begin (generated: see recorder/capture/format-doc.ts) -->';
export const KINDS_END = '<!-- event-kinds:end -->';

const COLUMN_FIELDS = new Set(['kind', 'tsNs', 'durNs', 'pid']);

function typeOf(v: unknown): string {
  if (v instanceof Uint8Array) return 'bytes → `{"$blob":id}`';
  if (Array.isArray(v) && new Set(v.map((x) => (x instanceof Uint8Array ? 'bytes' : x === null ? 'null' : typeof x))).size > 1) return 'array of JSON values (bytes → `{"$blob":id}`)';
  if (Array.isArray(v)) return v.length && typeof v[0] === 'object' ? `array of { ${fieldsOf(v[0] as object)} }` : `array of ${typeof (v[0] ?? '')}`;
  return typeof v;
}

function fieldsOf(o: object): string {
  return Object.entries(o).map(([k, v]) => `\`${k}\` ${typeOf(v)}`).join(', ');
}

/** The objects' templates: the sample's object with its id replaced by the field it comes from. */
function objectTemplate(kind: EventKind, sample: object): string {
  const spec = eventKinds[kind] as KindSpec<EventKind>;
  const object = spec.row(sample as never).object;
  if (object === null) return '—';
  let t = object;
  // Fields of nested plain objects count too, by path (`endedBy.seqno`).
  const fields = Object.entries(sample).flatMap(([k, v]): Array<[string, unknown]> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) ? Object.entries(v).map(([k2, x]) => [`${k}.${k2}`, x]) : [[k, v]]);
  for (const [k, v] of fields) {
    if (k === 'kind' || k === 'tsNs' || (typeof v !== 'number' && typeof v !== 'string')) continue;
    const s = String(v);
    if (s && t.includes(`:${s}`)) t = t.replace(`:${s}`, `:<${k}>`);
    else if (s && t.includes(`.${s}`)) t = t.replace(`.${s}`, `.<${k}>`);
  }
  return `\`${t}\``;
}

export function kindsMarkdown(samples: { readonly [K in EventKind]: EventOf<K> }): string {
  const lines = [
    KINDS_BEGIN,
    '',
    '| kind | layer | `object` | columns besides ts_ns | `args` fields | meaning |',
    '|---|---|---|---|---|---|',
  ];
  for (const kind of Object.keys(eventKinds).sort() as EventKind[]) {
    const sample = samples[kind] as object;
    const columns: string[] = ['durNs', 'pid'].filter((k) => k in sample).map((k) => (k === 'durNs' ? 'dur_ns' : 'pid'));
    if (kind === 'app.thread_switch') columns.push('tid');
    const args = Object.fromEntries(Object.entries(sample).filter(([k]) => !COLUMN_FIELDS.has(k)));
    lines.push(`| \`${kind}\` | ${eventKinds[kind].layer} | ${objectTemplate(kind, sample)} | ${columns.join(', ') || '—'} | ${fieldsOf(args) || '—'} | ${eventKinds[kind].doc} |`);
  }
  lines.push('', KINDS_END);
  return lines.join('\n');
}
