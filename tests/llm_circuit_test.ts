import assert from "node:assert/strict";
import { emptyLlmReport, type LlmReport } from "../core/llm_usage.ts";
import { LlmCircuit } from "../prepare/llm_circuit.ts";
import { fakeLlmSettings } from "./_fake_llm.ts";

function report(fields: Partial<LlmReport>): LlmReport {
  return { ...emptyLlmReport(), ...fields };
}

Deno.test("LlmCircuit.note() stops after failFastAfter connection failures in a row, across inputs", () => {
  const circuit = new LlmCircuit(
    fakeLlmSettings("http://user:pw@127.0.0.1:9/v1/", { failFastAfter: 3 }),
  );
  circuit.note(report({ failuresInARow: 2, cause: "connection refused" }));
  assert.equal(circuit.stopped, null);
  circuit.note(report({ answered: true, failuresInARow: 0 }));
  circuit.note(report({ failuresInARow: 2, cause: "connection refused" }));
  assert.equal(circuit.stopped, null, "an answer reset the count");
  circuit.note(report({ failuresInARow: 1, cause: "connection refused (os error 111)" }));
  assert.equal(
    circuit.stopped,
    "the model endpoint 'http://127.0.0.1:9/v1' failed 3 times in a row (last: connection refused (os error 111))",
  );
});

Deno.test("LlmCircuit.note() stops at once on a refused key and sums every report", () => {
  const circuit = new LlmCircuit(fakeLlmSettings("http://127.0.0.1:9/v1"));
  const usage = {
    ...emptyLlmReport().usage,
    calls: 2,
    retries: 1,
    promptTokens: 30,
    completionTokens: 5,
  };
  circuit.note(report({ usage, answered: true, cacheWrites: 1 }));
  circuit.note(
    report({
      usage: { ...usage, cacheHits: 1 },
      answered: true,
      keyRefused: "HTTP 401 (check the API key)",
    }),
  );
  circuit.note(report({ usage, failuresInARow: 9 }));
  assert.equal(
    circuit.stopped,
    "the model endpoint 'http://127.0.0.1:9/v1' refused the key (HTTP 401 (check the API key))",
  );
  assert.deepEqual(circuit.usage, {
    calls: 6,
    retries: 3,
    promptTokens: 90,
    completionTokens: 15,
    cacheHits: 1,
    fallbacks: 0,
    notAttempted: 0,
  });
  assert.equal(circuit.cacheWrites, 1);
});
