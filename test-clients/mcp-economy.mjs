// The economy's MCP tools driven by the official TypeScript client over streamable HTTP:
//   node mcp-economy.mjs CONTROL_URL TOKEN MISSION_ID
// Reads the balance, posts a mission, shows it until it settles, reads the balance again, and
// checks the refusals (unknown mission, short balance, bad amount). Prints one JSON line with what
// it saw; exits 0 only if every check held.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, token, missionId] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url + '/mcp'), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
const client = new Client({ name: 'wattswarm-economy-test', version: '1.0.0' });
await client.connect(transport);
const out = { failures: [] };
const fail = (m) => out.failures.push(m);

const { tools } = await client.listTools();
out.names = tools.map((t) => t.name);
for (const n of ['watt_balance', 'watt_transfer', 'watt_history', 'missions_post', 'missions_show', 'missions_list', 'missions_cancel', 'market_list', 'market_call', 'oracle_read']) {
  if (!out.names.includes(n)) fail(`no tool ${n}`);
}
const balance = async () => (await client.callTool({ name: 'watt_balance', arguments: {} })).structuredContent?.balance;
out.balance_before = await balance();
if (typeof out.balance_before !== 'number') fail('watt_balance gave no balance');

const posted = await client.callTool({ name: 'missions_post', arguments: { task_id: missionId, prompt: 'count the words please', reward: 300 } });
if (posted.isError) fail(`missions_post failed: ${posted.content?.[0]?.text}`);
for (let i = 0; i < 600; i++) {
  const shown = await client.callTool({ name: 'missions_show', arguments: { task_id: missionId } });
  out.mission = shown.structuredContent;
  if (['settled', 'cancelled', 'expired'].includes(out.mission?.state)) break;
  await new Promise((r) => setTimeout(r, 100));
}
if (out.mission?.state !== 'settled') fail(`mission ${missionId} ended ${out.mission?.state}`);
if (out.mission?.reward !== 300) fail(`mission reward ${out.mission?.reward}`);
out.balance_after = await balance();

const text = (r) => (r.isError ? (r.content?.[0]?.text ?? 'isError') : null);
async function refused(name, args) {
  try {
    return text(await client.callTool({ name, arguments: args }));
  } catch (e) {
    return String(e.message ?? e);
  }
}
out.unknown_mission = await refused('missions_show', { task_id: 'no-such-mission' });
if (!out.unknown_mission) fail('an unknown mission was not refused');
out.short_balance = await refused('missions_post', { prompt: 'too dear', reward: 1e15 });
if (!out.short_balance) fail('a mission beyond the balance was not refused');
out.bad_amount = await refused('watt_transfer', { to: out.mission?.poster ?? 'x', amount: 0 });
if (!out.bad_amount) fail('an amount of 0 was not refused');

await client.close();
console.log(JSON.stringify(out));
process.exit(out.failures.length ? 1 : 0);
