// Shared by the contender servers: announces the port and answers the driver on stdin.
//   stdout "READY <port>"                once listening
//   stdin  "mem"  -> stdout "MEM <json>" process.memoryUsage() after two full collections
//                                        (needs node --expose-gc)
//   stdin  "quit" or end of input        exits
import { createInterface } from 'node:readline';

export function ready(port) {
  process.stdout.write(`READY ${port}\n`);
}

export function control(close) {
  const rl = createInterface({ input: process.stdin });
  const quit = () => {
    close();
    process.exit(0);
  };
  rl.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'mem') {
      if (typeof globalThis.gc === 'function') {
        globalThis.gc();
        globalThis.gc();
      }
      process.stdout.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`);
    } else if (cmd === 'quit') {
      quit();
    } else {
      process.stdout.write('ERR unknown command\n');
    }
  });
  rl.on('close', quit);
}
