/**
 * Fuzz the Twilio surfaces: the media stream /telephony/twilio/stream (broken
 * WebSocket framing, connection abuse, malformed Media Streams messages,
 * garbage μ-law) and the voice webhook POST /telephony/twilio/voice — while a
 * healthy Pipecat session talks on the same server. FUZZ_SEED / FUZZ_CASES:
 * see fuzzConfig.ts.
 */
import { describeFuzzSurface } from './describeFuzzSurface.ts';
import { SURFACE_KINDS } from './surfaceKinds.ts';

describeFuzzSurface('twilio', import.meta.filename, SURFACE_KINDS.twilio());
