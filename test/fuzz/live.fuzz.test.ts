/**
 * Fuzz the editor's live channel, /ws/live and /ws/live?session=ID (watching
 * the healthy session): broken WebSocket framing, connection abuse, junk
 * input — while the healthy Pipecat session talks on the same server.
 * FUZZ_SEED / FUZZ_CASES: see fuzzConfig.ts.
 */
import { describeFuzzSurface } from './describeFuzzSurface.ts';
import { SURFACE_KINDS } from './surfaceKinds.ts';

describeFuzzSurface('live', import.meta.filename, SURFACE_KINDS.live());
