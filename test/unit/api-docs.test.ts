// The two API documents are what their specifications accept — OpenAPI 3.1 by its official JSON
// Schema (@seriousme/openapi-schema-validator), AsyncAPI 3 by the AsyncAPI parser — and the
// AsyncAPI document carries every message type the protocol module declares, on every
// transport that delivers it, with each command's acknowledgement.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Parser } from "@asyncapi/parser";
import { Validator } from "@seriousme/openapi-schema-validator";
import { asyncApiDocument, COMMAND_ACKS, messageTypes } from "../../lib/api-docs/asyncapi";
import { openApiDocument } from "../../lib/api-docs/openapi";
import { CHANNELS } from "../../lib/contract/channels";
import { MESSAGE_TYPES, type ChannelName } from "../../lib/contract/protocol";

const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[];

test("the OpenAPI document is valid OpenAPI 3.1", async () => {
  const doc = openApiDocument({ version: "test" });
  assert.match(doc.openapi, /^3\.1\./);
  const result = await new Validator().validate(structuredClone(doc) as never);
  assert.deepEqual(result.errors ?? [], [], "OpenAPI 3.1 schema violations");
  assert.equal(result.valid, true);
  // Both ways to authenticate are declared, and every error answer has the one error body.
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ["bearerToken", "metricsToken", "queryToken", "sessionCookie"]);
  // (Two answers are documented exceptions: readiness says what failed; a refused command has the
  // allowed one's body plus the violation.)
  const errorRef = JSON.stringify({ $ref: "#/components/schemas/Error" });
  const exceptions = new Set(["get /api/ready 503", "post /api/v1/commands 429"]);
  let errors = 0;
  for (const [p, item] of Object.entries(doc.paths))
    for (const [m, op] of Object.entries(item as Record<string, { responses: Record<string, { content?: unknown }> }>))
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400 || exceptions.has(`${m} ${p} ${status}`)) continue;
        const schema = (r.content as Record<string, { schema: unknown }> | undefined)?.["application/json"]?.schema;
        assert.equal(JSON.stringify(schema), errorRef, `${m} ${p} ${status}`);
        errors++;
      }
  assert.ok(errors > 100, `only ${errors} error answers documented`);
});

test("a broken document is refused (the validator is not a rubber stamp)", async () => {
  const doc = structuredClone(openApiDocument({ version: "test" })) as {
    paths: Record<string, Record<string, { parameters: { in: string }[] }>>;
  };
  doc.paths["/api/v1/risks"]!.get!.parameters[0]!.in = "body"; // OpenAPI 2's, gone in 3
  assert.equal((await new Validator().validate(doc as never)).valid, false);
});

test("the AsyncAPI document parses, and carries every message type of the protocol module", async () => {
  const doc = asyncApiDocument({ version: "test", origin: "https://risk.example.com" });
  assert.match(doc.asyncapi, /^3\./);
  const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
  // Severity 0 is an error, 1 a warning; hints (such as "a newer 3.x exists") are fine.
  const problems = diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join(".")}`);
  assert.deepEqual(problems, [], "AsyncAPI problems");
  assert.ok(document, "the parser produced no document");

  for (const c of CHANNEL_NAMES) {
    // The type (generated from ChannelMessages) and the runtime list (MESSAGE_TYPES) agree...
    assert.deepEqual([...messageTypes(c)].sort(), [...MESSAGE_TYPES[c]].sort(), `${c}: ChannelMessages and MESSAGE_TYPES differ`);
    for (const transport of ["socketio", "websocket", "sse"]) {
      const channel = document.channels().get(`${c}_${transport}`);
      assert.ok(channel, `no channel ${c}_${transport}`);
      const address = channel.address();
      assert.ok(Object.values(CHANNELS[c]).includes(address as never), `${c}_${transport}: ${address} is not one of the channel's paths`);
      const sent = document.operations().get(`${c}_${transport}_messages`);
      assert.ok(sent?.isSend(), `${c}_${transport}: no send operation`);
      const names: (string | undefined)[] = sent!
        .messages()
        .all()
        .map((m) => m.name());
      // ...and every one of them is a message the server sends on every streaming transport.
      for (const type of MESSAGE_TYPES[c]) {
        assert.ok(names.includes(type), `${c}_${transport} lacks ${type}`);
        const payload = channel.messages().get(type)?.payload()?.json() as { properties?: Record<string, { const?: string }> } | undefined;
        assert.equal(payload?.properties?.type?.const, type, `${c}_${transport} ${type}: payload is not its envelope`);
        assert.ok(payload?.properties && "data" in payload.properties, `${c}_${transport} ${type}: no data schema`);
      }
      assert.ok((channel.json() as { "x-resume"?: unknown[] })["x-resume"]?.length, `${c}_${transport}: no resume parameter`);
    }
    // Commands on the two socket transports, each acknowledged by its reply type or an error.
    for (const transport of ["socketio", "websocket"]) {
      for (const [cmd, ack] of Object.entries(COMMAND_ACKS[c])) {
        const op = document.operations().get(`${c}_${transport}_${cmd}`);
        assert.ok(op?.isReceive(), `${c}_${transport}: no ${cmd} command`);
        const replies: (string | undefined)[] =
          op!
            .reply()
            ?.messages()
            .all()
            .map((m) => m.name()) ?? [];
        assert.deepEqual(replies.sort(), [ack, "error"].sort(), `${c}_${transport} ${cmd}: acknowledgements`);
      }
    }
    const poll = document.operations().get(`${c}_polling_poll`);
    assert.ok(poll?.reply(), `${c}: polling has no answer`);
  }
  // The servers follow the origin (wss behind TLS).
  assert.equal(document.servers().get("websocket")?.protocol(), "wss");
  assert.equal(document.servers().get("websocket")?.host(), "risk.example.com");
});
