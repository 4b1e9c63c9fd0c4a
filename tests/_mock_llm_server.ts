/**
 * Runs `@dwmkerr/mock-llm` (an OpenAI-compatible mock server written by
 * others, configured by rules) as its own program: `tests/_mock_llm.ts`
 * starts this file in a subprocess with `HOST`, `PORT` and
 * `--config <file>`, the server's own settings.
 *
 * @module
 */

import "@dwmkerr/mock-llm/dist/main.js";
