/** Entry point of the bundled language server (dist/server.mjs): `tmad lsp`, without the rest of the CLI. */
import { runServer } from "../../../src/lsp/server.js";

void runServer();
