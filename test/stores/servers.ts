// Real servers for the shared-store suites: redis-server as a child process, dynalite in-process.
// Both listen on 127.0.0.1 only, on ports the OS picked, and are stopped by the suites that start them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { expect } from 'vitest';
import { SamlGuardError, type ErrorCode } from '../../src/errors.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A throwaway redis-server: no persistence, loopback only, gone when stop() resolves. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on 127.0.0.1:${port}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** dynalite (an in-memory DynamoDB implementation) on a free loopback port, in this process. */
export async function startDynalite(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number; deleteTableMs: number }) => Server & { closeAllConnections?: () => void };
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The SDK keeps connections alive; without this, close() waits for them to idle out.
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await closed;
    },
  };
}

/** Awaits `promise`, expecting a SamlGuardError with `code`; returns it for further checks. */
export async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<SamlGuardError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SamlGuardError);
    expect((err as SamlGuardError).code).toBe(code);
    return err as SamlGuardError;
  }
  throw new Error(`expected a ${code} rejection, got ${JSON.stringify(outcome)}`);
}

export function thrown(fn: () => unknown, code: ErrorCode): SamlGuardError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SamlGuardError);
    expect((err as SamlGuardError).code).toBe(code);
    return err as SamlGuardError;
  }
  throw new Error(`expected ${code} to be thrown`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let counter = 0;
/** IDs unique to this run, so suites sharing one Redis (REDIS_URL) never see each other's keys. */
export function uniqueId(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
