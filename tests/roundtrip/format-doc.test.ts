/** docs/capture-format.md documents every event kind: its generated section is current. */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { eventKinds } from '../../engine/trace/events';
import { KINDS_BEGIN, KINDS_END, kindsMarkdown } from '../../recorder/capture/format-doc';
import { samples } from '../support/sample-events';

const DOC = 'docs/capture-format.md';

it('the per-kind section of docs/capture-format.md is generated from eventKinds and lists every kind', () => {
  const doc = readFileSync(DOC, 'utf8');
  const begin = doc.indexOf(KINDS_BEGIN);
  const end = doc.indexOf(KINDS_END);
  expect(begin, 'begin marker').toBeGreaterThan(0);
  expect(end, 'end marker').toBeGreaterThan(begin);
  const current = doc.slice(begin, end + KINDS_END.length);
  const generated = kindsMarkdown(samples);
  if (process.env.UPDATE_DOCS) writeFileSync(DOC, doc.replace(current, generated));
  else expect(current, `stale: run UPDATE_DOCS=1 npx vitest run ${'tests/roundtrip/format-doc.test.ts'}`).toBe(generated);
  for (const kind of Object.keys(eventKinds)) expect(current).toContain(`| \`${kind}\` |`);
});
