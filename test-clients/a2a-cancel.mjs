// Cancels a running task with the official A2A client (@a2a-js/sdk 1.3.0).
// Usage: node a2a-cancel.mjs BASE_URL API_KEY CAPABILITY
// Sends a message that becomes a swarm task needing CAPABILITY (the test holds that executor
// running), returns at once, asks until the task is working, cancels it, reads it back, and
// cancels it again (an ended task: the spec's TaskNotCancelable). Prints one JSON line.
import { ClientFactory } from '@a2a-js/sdk/client';

const [base, key, capability] = process.argv.slice(2);
const plainFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
  headers.set('Authorization', `Bearer ${key}`);
  return plainFetch(input, { ...init, headers });
};
const part = (content, mediaType) => ({ content, metadata: undefined, filename: '', mediaType });
const message = {
  messageId: crypto.randomUUID(), contextId: 'ctx-cancel', taskId: '', role: 1,
  parts: [part({ $case: 'data', value: { task_type: 'swarm', capability, inputs: { prompt: 'held until cancelled' } } }, 'application/json')],
  metadata: undefined, extensions: [], referenceTaskIds: [],
};
const configuration = { acceptedOutputModes: [], taskPushNotificationConfig: undefined, historyLength: undefined, returnImmediately: true };
const out = {};
const client = await new ClientFactory().createFromUrl(base);
let task = await client.sendMessage({ tenant: '', message, configuration, metadata: undefined });
out.id = task.id;
out.sent = task.status?.state;
// the executor only starts; it cannot finish until the test says so, so WORKING is stable
for (let i = 0; i < 1200 && task.status?.state !== 2; i++) {
  await new Promise((r) => setTimeout(r, 50));
  task = await client.getTask({ tenant: '', id: out.id, historyLength: undefined });
}
out.before = task.status?.state;
const cancelled = await client.cancelTask({ tenant: '', id: out.id, metadata: undefined });
out.cancel = { state: cancelled.status?.state, text: cancelled.status?.message?.parts?.[0]?.content?.value ?? '' };
out.after = (await client.getTask({ tenant: '', id: out.id, historyLength: undefined })).status?.state;
try {
  await client.cancelTask({ tenant: '', id: out.id, metadata: undefined });
  out.again = 'no error';
} catch (e) {
  out.again = `${e.constructor.name}: ${e.message}`;
}
console.log(JSON.stringify(out));
