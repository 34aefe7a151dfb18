import { DecoderZygote, type DecoderZygoteOptions } from './DecoderZygote.ts';
import type { HelperLauncher, HelperProcess } from './HelperProcess.ts';
import type { BiasReport } from './PocketsphinxProtocol.ts';

/**
 * Launches helpers as forks of a zygote per command line (one in practice:
 * a pool's recognizers share their options), so models are loaded once.
 */
export class ForkingLauncher implements HelperLauncher {
  private readonly zygotes = new Map<string, DecoderZygote>();
  private closed = false;

  constructor(private readonly options: DecoderZygoteOptions = {}) {}

  launch(helperPath: string, args: readonly string[]): Promise<HelperProcess> {
    if (this.closed) return Promise.reject(new Error('launcher closed'));
    return this.zygoteFor(helperPath, args).fork();
  }

  prepareBias(
    helperPath: string,
    args: readonly string[],
    bias: { weight: number; arpa: string },
  ): Promise<BiasReport> {
    if (this.closed) return Promise.reject(new Error('launcher closed'));
    return this.zygoteFor(helperPath, args).prepareBias(bias);
  }

  /** Stops every zygote and every decoder forked from them. */
  async close(): Promise<void> {
    this.closed = true;
    const zygotes = [...this.zygotes.values()];
    this.zygotes.clear();
    await Promise.all(zygotes.map((zygote) => zygote.close()));
  }

  private zygoteFor(helperPath: string, args: readonly string[]): DecoderZygote {
    const key = JSON.stringify([helperPath, ...args]);
    let zygote = this.zygotes.get(key);
    if (!zygote) {
      zygote = new DecoderZygote(helperPath, args, this.options);
      this.zygotes.set(key, zygote);
    }
    return zygote;
  }
}
