// Drives a wattswarm MCP server with the official TypeScript client (@modelcontextprotocol/sdk).
//   node mcp-check.mjs http  CONTROL_URL TOKEN        (streamable HTTP at CONTROL_URL/mcp)
//   node mcp-check.mjs stdio COMMAND [ARGS...]        (spawns `... wattswarm --state-dir DIR mcp`)
// Prints one JSON line with what it saw; exits 0 only if every check held.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [mode, ...rest] = process.argv.slice(2);
let transport;
if (mode === 'http') {
  const [url, token] = rest;
  transport = new StreamableHTTPClientTransport(new URL(url + '/mcp'), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
} else if (mode === 'stdio') {
  transport = new StdioClientTransport({ command: rest[0], args: rest.slice(1), stderr: 'inherit' });
} else {
  console.error('usage: mcp-check.mjs http URL TOKEN | stdio COMMAND [ARGS...]');
  process.exit(2);
}

const out = { mode };
const failures = [];
const client = new Client({ name: 'wattswarm-test', version: '1.0.0' });
await client.connect(transport);
out.server = client.getServerVersion()?.name;

const { tools } = await client.listTools();
out.names = tools.map((t) => t.name);
for (const n of ['node_status', 'peers_list', 'tasks_submit', 'tasks_show', 'tasks_list', 'tasks_cancel', 'agents_list', 'agents_request']) {
  if (!out.names.includes(n)) failures.push(`no tool ${n}`);
}

const status = await client.callTool({ name: 'node_status', arguments: {} });
out.node_id = status.structuredContent?.node_id;
if (status.isError || !out.node_id) failures.push('node_status gave no node_id');

const taskId = `ts-${mode}-${process.pid}`;
const sub = await client.callTool({ name: 'tasks_submit', arguments: { task_id: taskId, prompt: 'count the words please' } });
if (sub.isError) failures.push(`tasks_submit failed: ${sub.content?.[0]?.text}`);
// the node runs the task; ask until it ends (the Java test bounds the whole run)
for (let i = 0; i < 600; i++) {
  const shown = await client.callTool({ name: 'tasks_show', arguments: { task_id: taskId } });
  out.task_state = shown.structuredContent?.state;
  if (['finalized', 'failed', 'expired', 'cancelled'].includes(out.task_state)) break;
  await new Promise((r) => setTimeout(r, 100));
}
if (out.task_state !== 'finalized') failures.push(`task ${taskId} ended ${out.task_state}`);

// refusals: an unknown tool and arguments that break the schema
async function refused(name, args) {
  try {
    const r = await client.callTool({ name, arguments: args });
    return r.isError ? (r.content?.[0]?.text ?? 'isError') : null;
  } catch (e) {
    return String(e.message ?? e);
  }
}
out.unknown_tool = await refused('no_such_tool', {});
if (!out.unknown_tool) failures.push('an unknown tool was not refused');
out.bad_args = await refused('tasks_show', { task_id: 7 });
if (!out.bad_args) failures.push('tasks_show with a numeric task_id was not refused');

await client.close();
out.failures = failures;
console.log(JSON.stringify(out));
process.exit(failures.length ? 1 : 0);
