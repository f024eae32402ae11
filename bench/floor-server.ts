// The physical floor of the dispatch benchmark on this machine, now: the worker protocol's
// calls answered by a bare node:http server over a SQLite file set up like the manager's (WAL,
// synchronous NORMAL), each claim and each completion a transaction of its own, and nothing
// else — no routing, validation, authentication, scheduler rules, logs or events. The dispatch
// benchmark drives it with the same simulated workers, so the manager's figure can be read as a
// ratio of what this machine allows at the moment (machines are shared and their speed varies).
//
// Run as a child process: `node bench/floor-server.ts <sqlite file> <tasks>`; it prints its port.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';

const [file, taskCount] = process.argv.slice(2);
if (!file || !taskCount) throw new Error('usage: floor-server.ts <sqlite file> <tasks>');

const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE tasks (id TEXT PRIMARY KEY, idx INTEGER NOT NULL, status TEXT NOT NULL, worker_id TEXT, updated_at TEXT);
         CREATE INDEX tasks_queued ON tasks (idx) WHERE status = 'queued';`);
const insert = db.prepare(`INSERT INTO tasks (id, idx, status) VALUES (?, ?, 'queued')`);
db.transaction(() => {
  for (let i = 0; i < Number(taskCount); i++) insert.run(randomUUID(), i);
})();

const next = db.prepare(`SELECT id FROM tasks WHERE status = 'queued' ORDER BY idx LIMIT 1`);
const claim = db.prepare(`UPDATE tasks SET status = 'active', worker_id = ?, updated_at = ? WHERE id = ? AND status = 'queued'`);
const complete = db.prepare(`UPDATE tasks SET status = ?, updated_at = ? WHERE id = ? AND worker_id = ?`);
// Each one BEGIN IMMEDIATE … COMMIT, as the manager's transactions are.
const claimNext = db.transaction((workerId: string): string | undefined => {
  const row = next.get() as { id: string } | undefined;
  if (row) claim.run(workerId, new Date().toISOString(), row.id);
  return row?.id;
}).immediate;
const completeTask = db.transaction((status: string, taskId: string, workerId: string): number => complete.run(status, new Date().toISOString(), taskId, workerId).changes).immediate;

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function workerOf(req: IncomingMessage): string {
  const encoded = (req.headers.authorization ?? '').slice('Basic '.length);
  return Buffer.from(encoded, 'base64').toString().split(':')[0] ?? '';
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const url = req.url ?? '';
    if (url === '/api/v3/worker/register-worker') return reply(res, 200, { uuid: randomUUID() });
    if (url === '/api/v3/worker/sign-on') return reply(res, 200, { status_requested: 'awake' });
    if (url === '/api/v3/worker/state-changed') return reply(res, 204);
    if (url === '/api/v3/worker/task') {
      const taskId = claimNext(workerOf(req));
      return taskId === undefined ? reply(res, 204) : reply(res, 200, { uuid: taskId, status: 'active' });
    }
    const taskId = /^\/api\/v3\/worker\/task\/([0-9a-f-]+)$/.exec(url)?.[1];
    if (taskId) {
      const update = JSON.parse(Buffer.concat(chunks).toString()) as { taskStatus: string };
      const changed = completeTask(update.taskStatus, taskId, workerOf(req));
      return reply(res, changed === 1 ? 204 : 409);
    }
    reply(res, 404);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
