import type { Socket } from 'node:net';

/**
 * Reads one newline-terminated line from a socket and leaves everything
 * after it unread, for whoever reads the stream next.
 */
export function readFirstLine(socket: Socket, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const cleanup = (): void => {
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('error', onError);
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error('connection ended before its first line'));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onReadable = (): void => {
      for (
        let chunk: Buffer | null = socket.read() as Buffer | null;
        chunk;
        chunk = socket.read() as Buffer | null
      ) {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf(0x0a);
        if (end >= 0) {
          cleanup();
          const rest = buffered.subarray(end + 1);
          if (rest.length > 0) socket.unshift(rest);
          resolve(buffered.subarray(0, end).toString('utf8'));
          return;
        }
        if (buffered.length > maxBytes) {
          cleanup();
          reject(new Error(`first line longer than ${maxBytes} bytes`));
          return;
        }
      }
    };
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('error', onError);
  });
}
