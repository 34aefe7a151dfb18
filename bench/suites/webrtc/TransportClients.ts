/** Starts clientsProcess.ts in a child Node process and talks to it over IPC, one request at a time. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientsReply, ClientsRequest } from './clientsProcess.ts';

export class TransportClients {
  private readonly child: ChildProcess;

  constructor() {
    const script = fileURLToPath(new URL('./clientsProcess.ts', import.meta.url));
    // The same loader flags (tsx) as this process, so the child runs TypeScript too.
    this.child = spawn(process.execPath, [...process.execArgv, script], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<K extends ClientsReply['kind']>(
    message: ClientsRequest,
    expect: K,
  ): Promise<Extract<ClientsReply, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`clients exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: ClientsReply | { kind: 'error'; error: string }) => {
        this.child.off('exit', onExit);
        if (reply.kind === expect) resolve(reply as Extract<ClientsReply, { kind: K }>);
        else reject(new Error(`clients answered ${JSON.stringify(reply).slice(0, 300)}`));
      });
      this.child.send(message);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 3000).unref();
    });
  }
}
