/**
 * Typed calls to the API (api/contract.ts). Every function resolves to the route's body
 * or rejects with an `ApiFailure` carrying the server's reason, so views show what went
 * wrong instead of an empty panel.
 *
 * Example: `await api.events('vkcube-1-1.tfcap', { kind: 'kmd.ioctl', limit: 50 })`
 *   → `{ events: [...50 rows], nextCursor: 212 }`
 */
import type {
  ApiError, CaptureDetail, CaptureListItem, EventDetail, EventPage, FlowChain, FrameInfo, JobInfo, JobRequest,
  QueryResponse, StateAt, TimelineWindow, TrackList,
} from '../../../api/contract';

export class ApiFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

type Params = Record<string, string | number | undefined | null>;

export function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  if (!res.ok) {
    let reason = res.statusText;
    try {
      reason = ((await res.json()) as ApiError).error ?? reason;
    } catch {
      // not a JSON error body: keep the status text
    }
    throw new ApiFailure(res.status, `${res.status}: ${reason}`);
  }
  return (await res.json()) as T;
}

const cap = (id: string): string => `/api/captures/${encodeURIComponent(id)}`;

export const api = {
  captures: () => call<CaptureListItem[]>('/api/captures'),
  capture: (id: string) => call<CaptureDetail>(cap(id)),
  upload: (name: string, file: Blob) =>
    call<CaptureListItem>(`/api/captures${query({ name })}`, { method: 'POST', body: file, headers: { 'content-type': 'application/octet-stream' } }),
  remove: (id: string) => call<{ deleted: string }>(cap(id), { method: 'DELETE' }),
  events: (id: string, p: { from?: number; to?: number; layer?: string; kind?: string; object?: string; text?: string; cursor?: number | null; limit?: number }) =>
    call<EventPage>(`${cap(id)}/events${query(p)}`),
  event: (id: string, seq: number) => call<EventDetail>(`${cap(id)}/events/${seq}`),
  tracks: (id: string) => call<TrackList>(`${cap(id)}/tracks`),
  timeline: (id: string, startNs: number, endNs: number, widthPx: number) =>
    call<TimelineWindow>(`${cap(id)}/timeline${query({ startNs: Math.floor(startNs), endNs: Math.ceil(endNs), widthPx: Math.max(1, Math.round(widthPx)) })}`),
  flows: (id: string, seq: number) => call<FlowChain>(`${cap(id)}/flows${query({ seq })}`),
  state: (id: string, at: number) => call<StateAt>(`${cap(id)}/state${query({ at })}`),
  frames: (id: string) => call<FrameInfo[]>(`${cap(id)}/frames`),
  sql: (id: string, sql: string) =>
    call<QueryResponse>(`${cap(id)}/query`, { method: 'POST', body: JSON.stringify({ sql }), headers: { 'content-type': 'application/json' } }),
  diff: (a: string, b: string) => call<unknown>(`/api/diff${query({ a, b })}`),
  startJob: (req: JobRequest) =>
    call<JobInfo>('/api/jobs', { method: 'POST', body: JSON.stringify(req), headers: { 'content-type': 'application/json' } }),
  job: (id: string) => call<JobInfo>(`/api/jobs/${encodeURIComponent(id)}`),
};

/** URLs the browser loads directly (images, downloads, byte dumps). */
export const urls = {
  frame: (id: string, index: number) => `${cap(id)}/frames/${index}.png`,
  boImage: (id: string, bo: number, at: number, size?: { width: number; height: number }) =>
    `${cap(id)}/bos/${bo}/image.png${query({ at, width: size?.width, height: size?.height })}`,
  boBytes: (id: string, bo: number, at: number, offset = 0, length?: number) => `${cap(id)}/bos/${bo}${query({ at, offset, length })}`,
  exportTrace: (id: string, format: 'perfetto' | 'json' = 'perfetto') => `${cap(id)}/export${query({ format })}`,
  jobEvents: (jobId: string) => `/api/jobs/${encodeURIComponent(jobId)}/events`,
};
