/** `npm run bench [suite…]`: runs every benchmark suite, or the ones named. */
import { runEngineBench } from './suites/engine.ts';
import { runLatencyBench } from './suites/latency.ts';
import { runOfflineBench } from './suites/offline.ts';
import { runWebRtcBench } from './suites/webrtc.ts';

const suites: Record<string, () => Promise<unknown>> = {
  engine: runEngineBench,
  offline: runOfflineBench,
  latency: runLatencyBench,
  webrtc: runWebRtcBench,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(
    `unknown bench suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`,
  );
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
  const t0 = performance.now();
  await suites[name]();
  console.log(`  (${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
