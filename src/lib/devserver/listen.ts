// Binding the dev server: loopback only, and a busy port is a user error that names a port
// that is free right now rather than a stack trace.
import { createServer, type Server } from 'node:net';

import { UserError } from '../errors.js';

export const DEFAULT_PORT = 8080;
export const LOOPBACK = '127.0.0.1';

/** --port, else $PORT, else 8080. A bad value is a usage error. */
export function choosePort(flag: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return checkPort(flag, '--port');
  const fromEnv = env.PORT?.trim();
  if (fromEnv) return checkPort(Number(fromEnv), 'PORT');
  return DEFAULT_PORT;
}

function checkPort(port: number, from: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserError(`${from} must be a port number from 0 to 65535 (got ${String(port)})`, { code: 'BAD_PORT' });
  }
  return port;
}

/** Listens on 127.0.0.1:port and resolves with the bound port (port 0: any free one). */
export async function listenLoopback(server: Pick<Server, 'listen' | 'once' | 'off' | 'address'>, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(port, LOOPBACK, () => {
        server.off('error', onError);
        resolve();
      });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      const free = await nextFreePort(port + 1);
      throw new UserError(`port ${port} is already in use on ${LOOPBACK}`, {
        code: 'PORT_BUSY',
        nextSteps: [free ? `Use a free port: --port ${free}` : 'Stop the program using it, or pass --port with another port.'],
      });
    }
    if (code === 'EACCES') {
      throw new UserError(`not allowed to listen on port ${port}`, { code: 'PORT_DENIED', nextSteps: ['Use a port above 1023: --port 8080'] });
    }
    throw err;
  }
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** The first port from `start` on (up to 50 tries) that can be bound on loopback now. */
export async function nextFreePort(start: number): Promise<number | null> {
  for (let port = start; port < Math.min(start + 50, 65536); port++) {
    if (await canBind(port)) return port;
  }
  return null;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, LOOPBACK, () => probe.close(() => resolve(true)));
  });
}
