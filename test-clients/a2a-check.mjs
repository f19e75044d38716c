// Drives a wattswarm node's A2A endpoint with the official client (@a2a-js/sdk 1.3.0).
// Usage: node a2a-check.mjs BASE_URL API_KEY
// Prints one JSON line: what the card, a blocking send, a streamed send, get and cancel returned.
import { ClientFactory } from '@a2a-js/sdk/client';

const [base, key] = process.argv.slice(2);
const plainFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
  headers.set('Authorization', `Bearer ${key}`);
  return plainFetch(input, { ...init, headers });
};
const text = (prompt) => ({
  messageId: crypto.randomUUID(), contextId: 'ctx-check', taskId: '', role: 1,
  parts: [{ content: { $case: 'text', value: prompt }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
  metadata: undefined, extensions: [], referenceTaskIds: [],
});
const out = {};
const client = await new ClientFactory().createFromUrl(base);
const card = await client.getAgentCard();
out.card = { name: card.name, skills: card.skills.map((s) => s.id), streaming: card.capabilities?.streaming };

let task = await client.sendMessage({ tenant: '', message: text('blocking hello'), configuration: undefined, metadata: undefined });
for (let i = 0; i < 120 && ![3, 4, 5, 7].includes(task.status?.state); i++) {
  await new Promise((r) => setTimeout(r, 250));
  task = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
}
out.send = { id: task.id, contextId: task.contextId, state: task.status?.state, artifactText: task.artifacts?.[0]?.parts?.[0]?.content?.value };

const events = [];
for await (const ev of client.sendMessageStream({ tenant: '', message: text('streamed hello'), configuration: undefined, metadata: undefined })) {
  const p = ev.payload;
  events.push(p.$case === 'statusUpdate' ? `status:${p.value.status.state}` : p.$case === 'artifactUpdate' ? 'artifact' : p.$case);
  if (p.$case === 'task') out.streamTaskId = p.value.id;
}
out.stream = events;
const got = await client.getTask({ tenant: '', id: out.streamTaskId, historyLength: undefined });
out.streamGet = { state: got.status?.state, artifacts: got.artifacts.length };

const errorOf = async (f) => { try { await f(); return 'no error'; } catch (e) { return `${e.constructor.name}: ${e.message}`; } };
out.cancelEnded = await errorOf(() => client.cancelTask({ tenant: '', id: task.id, metadata: undefined }));
out.getUnknown = await errorOf(() => client.getTask({ tenant: '', id: 'no-such-task', historyLength: undefined }));
console.log(JSON.stringify(out));
