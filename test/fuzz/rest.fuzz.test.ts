/**
 * Fuzz the REST API (/api/…), the Twilio webhook's neighbours and the HTTP
 * parser in front of them: garbage bodies, wrong content types, huge and
 * deeply nested JSON, odd paths, methods, Host and Origin headers, malformed
 * requests — while a healthy Pipecat session talks on the same server.
 * FUZZ_SEED / FUZZ_CASES: see fuzzConfig.ts.
 */
import { describeFuzzSurface } from './describeFuzzSurface.ts';
import { SURFACE_KINDS } from './surfaceKinds.ts';

describeFuzzSurface('rest', import.meta.filename, SURFACE_KINDS.rest());
