/**
 * Fuzz /v1/realtime?graph=echo: broken WebSocket framing, connection abuse,
 * Realtime client events of the wrong shape, garbage audio — while a healthy
 * Pipecat session talks on the same server. FUZZ_SEED / FUZZ_CASES: see fuzzConfig.ts.
 */
import { describeFuzzSurface } from './describeFuzzSurface.ts';
import { SURFACE_KINDS } from './surfaceKinds.ts';

describeFuzzSurface('realtime', import.meta.filename, SURFACE_KINDS.realtime());
