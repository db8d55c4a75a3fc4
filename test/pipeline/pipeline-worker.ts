/**
 * A child process for the crash tests (run with node --import tsx):
 *   pipeline-worker.ts DB ARTIFACTS MODELS STAGE MARKER
 * starts the full pipeline with the key 'crash', pausing after STAGE's work (before its 'done'
 * mark) once it has written MARKER; the test kills it there with SIGKILL.
 */
import { fullPipeline, openRegistry } from './pipeline-fixtures.js';

const [db, artifacts, models, stage, marker] = process.argv.slice(2);
const registry = await openRegistry(db, artifacts);
await fullPipeline(registry, models, { pauseAfter: stage, marker }).start({ key: 'crash', trigger: { source: 'test' } });
process.stdout.write('finished without pausing\n');
await registry.close();
