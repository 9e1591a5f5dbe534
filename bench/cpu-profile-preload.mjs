// Preloaded into the daemon by `npm run bench -- --cpu-prof DIR` through
// NODE_OPTIONS=--import (node 20 refuses --cpu-prof in NODE_OPTIONS, and the
// test helper that spawns the daemon takes no node flags). Starts the V8
// sampling profiler at once and writes DIR/daemon-<pid>.cpuprofile on exit;
// the in-thread inspector session answers synchronously, so the 'exit'
// handler can still write the file.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.CDC_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `daemon-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
