import assert from 'node:assert/strict';
import { badRequests, operationsTakingInput } from '../support/bad-requests.ts';
import { onEachDatabase } from '../support/test-manager.ts';

const cases = badRequests();

onEachDatabase('bad input to every operation', (manager) => {
  it(`covers every operation that takes input (${cases.length} malformed requests)`, () => {
    const covered = new Set(cases.map((c) => c.operationId));
    const missing = operationsTakingInput().filter((id) => !covered.has(id));
    assert.deepEqual(missing, []);
  });

  it('answers every malformed request with a 4xx and a message, never a 5xx', async function () {
    this.timeout(240_000);
    const failures: string[] = [];
    for (const badRequest of cases) {
      const response = await fetch(manager().url + badRequest.path, {
        method: badRequest.method,
        headers: badRequest.contentType ? { 'content-type': badRequest.contentType } : {},
        ...(badRequest.body !== undefined ? { body: badRequest.body } : {}),
      }).catch((error: Error) => ({ status: 0, text: async () => error.message, headers: new Headers() }));
      const text = await response.text();
      let message: unknown;
      try {
        message = JSON.parse(text).message;
      } catch {
        message = undefined;
      }
      const label = `${badRequest.operationId} ${badRequest.method} ${badRequest.path.slice(0, 80)} (${badRequest.why})`;
      if (response.status < 400 || response.status > 499) failures.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
      else if (typeof message !== 'string' || message.length < 10) failures.push(`${label}: ${response.status} without a message: ${text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
  });
});
