/**
 * Fuzz /ws/pipecat?graph=echo: broken WebSocket framing, connection abuse,
 * malformed protobuf and RTVI, garbage audio — while a healthy Pipecat
 * session talks on the same server. FUZZ_SEED / FUZZ_CASES: see fuzzConfig.ts.
 */
import { describeFuzzSurface } from './describeFuzzSurface.ts';
import { SURFACE_KINDS } from './surfaceKinds.ts';

describeFuzzSurface('pipecat', import.meta.filename, SURFACE_KINDS.pipecat());
