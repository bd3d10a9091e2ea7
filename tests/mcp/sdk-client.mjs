// Drives ToolCatalog's /mcp with the official TypeScript SDK client over Streamable HTTP, as an agent would:
// lists tools, finds a pattern for a request in plain words, loads its function definition, pages through the tool
// resources and reads one. Every result is validated against the SDK's own schemas (parse throws on any mismatch);
// prints one JSON object that ToolCatalog.Mcp.Tests checks.
// Usage: node sdk-client.mjs <mcp-url> <request in plain words> [api-key]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CallToolResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  ReadResourceResultSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [url, query, apiKey] = process.argv.slice(2);
if (!url || !query) {
  console.error("usage: node sdk-client.mjs <mcp-url> <request in plain words> [api-key]");
  process.exit(2);
}

const headers = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: "toolcatalog-sdk-client-test", version: "1.0.0" });
await client.connect(transport);

const tools = ListToolsResultSchema.parse(await client.listTools());
const call = async (name, args) => CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));

const search = await call("search_tools", { query, limit: 5 });
const first = search.structuredContent?.results?.[0];
const definitions = first
  ? await call("get_function_definitions", { names: [first.functionName], format: "anthropic" })
  : null;
const estimate = first
  ? await call("estimate", { tool: first.tool, capability: first.capability, pattern: first.pattern, variables: { N: 1 } })
  : null;
const unknownTool = await call("get_tool", { name: "no_such_tool_anywhere" });

const templates = ListResourceTemplatesResultSchema.parse(await client.listResourceTemplates());
const resources = [];
let pages = 0;
let cursor;
do {
  const page = ListResourcesResultSchema.parse(await client.listResources(cursor ? { cursor } : {}));
  resources.push(...page.resources.map((r) => r.uri));
  cursor = page.nextCursor;
  pages++;
} while (cursor);
const read = first ? ReadResourceResultSchema.parse(await client.readResource({ uri: `toolcatalog://tools/${first.tool}` })) : null;

await client.close();

console.log(JSON.stringify({
  server: client.getServerVersion(),
  tools: tools.tools.map((t) => ({ name: t.name, annotations: t.annotations, required: t.inputSchema.required ?? [] })),
  toolsMeta: tools._meta ?? null,
  search: { isError: search.isError ?? false, meta: search._meta ?? null, structured: search.structuredContent ?? null },
  definitions: definitions && { isError: definitions.isError ?? false, structured: definitions.structuredContent },
  estimate: estimate && { isError: estimate.isError ?? false, structured: estimate.structuredContent },
  unknownTool: { isError: unknownTool.isError ?? false, text: unknownTool.content.map((c) => c.text).join("\n") },
  templates: templates.resourceTemplates.map((t) => t.uriTemplate),
  resources: { count: resources.length, distinct: new Set(resources).size, pages },
  read: read && { uri: read.contents[0].uri, mimeType: read.contents[0].mimeType, toolName: JSON.parse(read.contents[0].text).tool_name },
}));
