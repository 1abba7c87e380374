// The commit thread (commit-thread.ts starts it): commits the batches of every
// CaptureWriter of the process that uses it, each writer through its own port and
// its own SQLite connection (BatchCommitter). Plain JavaScript: no TypeScript loader.
//
// Protocol, per writer: one `open` on the parent port (with the writer's port), then
// on that port, in order: `batch`, `checkpoint`, `lookups`, and one `finish`. After
// handling each message the thread bumps ctl[DONE] and wakes the writer (Atomics), so
// the writer can wait for "everything I sent is done" without an event loop. The first
// failure sets ctl[FAILED] and posts { failure } on the port; `finish` posts
// { finished, error, storedBlobBytes }. If the thread ends for any reason, every open writer's
// ctl[DEAD] is set, so none waits forever.
import { parentPort } from 'node:worker_threads';
import { BatchCommitter, openForCommits } from './batch-commit.mjs';

const DONE = 0;
const FAILED = 1;
const DEAD = 3;

/** Writers open in this thread: id → their control words (to mark them dead at exit). */
const open = new Map();

const bump = (ctl, slot) => {
  Atomics.add(ctl, slot, 1);
  Atomics.notify(ctl, slot);
};

process.on('exit', () => {
  for (const ctl of open.values()) {
    Atomics.store(ctl, DEAD, 1);
    Atomics.notify(ctl, DONE);
  }
});

parentPort.on('message', (m) => {
  if (m.type !== 'open') return;
  const ctl = new Int32Array(m.shared, 0, 4);
  const seq = new BigInt64Array(m.shared, 16, 1);
  const port = m.port;
  open.set(m.id, ctl);
  let committer;
  let reported = false;
  try {
    committer = new BatchCommitter(m.path, openForCommits(m.path, m.maxSizeBytes, m.pageSizeBytes), m.sql);
  } catch (err) {
    committer = undefined;
    reported = true;
    Atomics.store(ctl, FAILED, 1);
    port.postMessage({ failure: `cannot open capture ${m.path} for writing: ${err.message}` });
  }
  const reportFailure = () => {
    if (reported || committer.failure === undefined) return;
    reported = true;
    Atomics.store(ctl, FAILED, 1);
    port.postMessage({ failure: committer.failure });
  };
  const end = () => {
    open.delete(m.id);
    port.close();
  };
  port.on('message', (msg) => {
    try {
      if (committer === undefined) {
        if (msg.type === 'finish') port.postMessage({ finished: true, error: msg.writerFailure ?? 'the capture could not be opened for writing' });
      } else if (msg.type === 'batch') {
        if (committer.commit(msg.batch)) Atomics.store(seq, 0, BigInt(committer.committedSeq));
        reportFailure();
      } else if (msg.type === 'checkpoint') {
        committer.checkpointRow(msg.seq, msg.stateHash, msg.blob);
        reportFailure();
      } else if (msg.type === 'lookups') {
        committer.buildLookupIndexes(msg.lastSeq);
        reportFailure();
      } else if (msg.type === 'finish') {
        reportFailure();
        const error = committer.finish(msg.state, msg.error, msg.eventCount, msg.finishedAt, msg.writerFailure);
        port.postMessage({ finished: true, error, storedBlobBytes: committer.storedBlobBytes });
      }
    } catch (err) {
      // Not expected (the committer catches SQLite's errors); never leave the writer waiting.
      if (committer !== undefined) {
        committer.failure ??= `commit thread: ${err.message}`;
        reportFailure();
      }
      if (msg.type === 'finish') port.postMessage({ finished: true, error: `commit thread: ${err.message}` });
    } finally {
      if (msg.type === 'finish') end();
      bump(ctl, DONE);
    }
  });
});
