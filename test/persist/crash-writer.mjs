// Child process for the crash test: records into a monitor and a trigger and saves both
// snapshots to a FileStateStore as fast as it can, until it is killed (SIGKILL).
// argv: storeDir. Uses the built package (dist/).
import { FileStateStore, ModelMonitor, RetrainingTrigger } from '../../dist/index.js';

const store = new FileStateStore(process.argv[2]);
let t = 0;
const previous = store.load('monitor');
const monitor = previous ? ModelMonitor.restore(previous, { now: () => t }) : new ModelMonitor('crash', { capacity: 5000, now: () => t });
const trigger = store.load('trigger') ? RetrainingTrigger.restore(store.load('trigger'), { now: () => t }) : new RetrainingTrigger('crash', {}, { now: () => t, lastRetrainAt: null });
const latencies = new Float64Array(2000);
for (let round = 0; ; round++) {
  for (let i = 0; i < latencies.length; i++) latencies[i] = 1 + ((round * 7919 + i * 104729) % 1000);
  monitor.recordBatch(null, latencies);
  t += 1000;
  trigger.shouldRetrain(monitor.checkAlerts(), { driftDetected: false, driftSeverity: 'low', maxDriftScore: 0 });
  store.save('monitor', monitor.snapshot());
  store.save('trigger', trigger.snapshot());
  // The parent starts its kill timer once a first complete state is on disk: every kill then
  // lands in the middle of a later round of writes.
  if (round === 0) process.stdout.write('ready\n');
}
