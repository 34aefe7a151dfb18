/** Builds the pocketsphinx helper if its source is newer than the binary (scripts/build-native.sh is idempotent). */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = fileURLToPath(new URL('../../scripts/build-native.sh', import.meta.url));

export function buildNativeHelper(): void {
  execFileSync(BUILD_SCRIPT, { stdio: 'pipe' });
}
