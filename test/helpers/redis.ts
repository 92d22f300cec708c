// A redis-server of the test's own on 127.0.0.1, on a free port, without
// persistence, stopped after the test file. No redis-server installed is a
// failure that says what to install, never a silent skip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestRedis {
  port: number;
  url: string;
  /** stop the server (its data is lost: it has no persistence) */
  stop(): Promise<void>;
  /** start it again on the same port */
  start(): Promise<void>;
}

export function redisServerOrFail(): void {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error("redis-server is not installed: the queue tests start their own server; install Debian's redis-server (apt-get install redis-server; .ci/run does)");
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => { socket.destroy(); resolve(/PONG|NOAUTH/.test(d.toString())); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

export async function startRedis(extra: string[] = []): Promise<TestRedis> {
  redisServerOrFail();
  const port = await freePort();
  let child: ChildProcess | undefined;
  const redis: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], { stdio: 'ignore' });
      for (let i = 0; i < 100; i += 1) {
        if (await answersPing(port)) return;
        await sleep(50);
      }
      throw new Error(`redis-server did not answer on port ${port} within 5 s`);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGKILL');
      await exited;
    },
  };
  await redis.start();
  return redis;
}
