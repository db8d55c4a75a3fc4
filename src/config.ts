/**
 * Every MLWATCH_* environment variable, with its default and meaning, in one place. Runtime code
 * reads them through setting(); backendInfo().config shows the values in effect. The build's CMake
 * options (-DMLWATCH_CUDA, -DMLWATCH_SANITIZE, -DMLWATCH_KERNEL_TESTS, -DMLWATCH_ADDON) are listed in
 * docs/building.md, not here: they are not read at run time.
 */

/** Who reads a variable: the library at run time (JS or the addon), the install step, the command line, benchmarks or tests. */
export type SettingReader = 'library' | 'addon' | 'install' | 'cli' | 'bench' | 'tests';

export interface SettingSpec {
  /** The value used when the variable is unset, in words when it depends on the machine. */
  readonly default: string;
  readonly meaning: string;
  readonly readBy: SettingReader;
}

export const SETTINGS = {
  MLWATCH_BACKEND: { default: 'the available one of highest priority: cuda, then cpu, then js', meaning: 'the backend chosen at start-up: js, cpu or cuda (an unavailable one throws BackendUnavailableError)', readBy: 'library' },
  MLWATCH_ADDON_PATH: { default: 'the platform package @mlwatch/<platform>-<arch>[-gnu|-musl], then build/Release, then build/Debug', meaning: 'the native addon file to load (a sanitizer build, a build made elsewhere)', readBy: 'library' },
  MLWATCH_CUDA_ROUTE: { default: 'auto', meaning: 'where the cuda backend runs each kernel: auto (by measured size thresholds), device, or cpu', readBy: 'library' },
  MLWATCH_THREADS: { default: 'the usable cores (CPU affinity, cgroup CPU quota)', meaning: 'threads of the native thread pool', readBy: 'addon' },
  MLWATCH_SIMD: { default: 'the best the CPU has (avx2+fma, else baseline)', meaning: 'baseline forces the portable kernels on an AVX2 CPU', readBy: 'addon' },
  MLWATCH_BUILD_FROM_SOURCE: { default: 'unset (use the prebuilt platform package when npm installed it)', meaning: '1 builds the native addon at npm install even where the prebuilt one is installed (as does npm install --build-from-source)', readBy: 'install' },
  MLWATCH_SKIP_NATIVE: { default: 'unset (build the addon at install)', meaning: '1 skips building the native addon at npm install (the js backend is used)', readBy: 'install' },
  MLWATCH_REGISTRY: { default: 'unset (then --db is required)', meaning: "the model registry's database for `mlwatch registry` when --db is not given: sqlite:FILE or postgres://…", readBy: 'cli' },
  MLWATCH_DEBUG: { default: 'unset', meaning: '1 makes the mlwatch command print the stack of an internal error', readBy: 'cli' },
  MLWATCH_STALL_BYTES: { default: '1073741824 (1 GiB)', meaning: 'size of the matrix of the stalls benchmark', readBy: 'bench' },
  MLWATCH_DRIFT_BACKENDS: { default: 'every available backend', meaning: 'comma list of backends the drift benchmark times (SciPy is timed either way)', readBy: 'bench' },
  MLWATCH_STALL_BACKENDS: { default: 'every available backend', meaning: 'comma list of backends the stalls benchmark measures', readBy: 'bench' },
  MLWATCH_LARGE_GB: { default: '5.5', meaning: 'size in GB of the generated file of the batch-large benchmark', readBy: 'bench' },
  MLWATCH_LARGE_DIR: { default: 'the system temporary directory', meaning: 'where the batch-large benchmark writes its file', readBy: 'bench' },
  MLWATCH_BENCH_ROWS: { default: '40000', meaning: 'rows of the smaller table of the distributed-engine benchmark (the larger is 10x)', readBy: 'bench' },
  MLWATCH_BENCH_BEFORE: { default: 'unset (only the current build is measured)', meaning: 'a package root holding an earlier build (its dist/) that the csv and batch benchmarks measure beside the current one: its CSV reader and its mlwatch drift', readBy: 'bench' },
  MLWATCH_BATCH_RUNS: { default: '3', meaning: 'rounds of the batch benchmark (each runs every backend, and the earlier build when MLWATCH_BENCH_BEFORE is set)', readBy: 'bench' },
  MLWATCH_BENCH_BUCKETS: { default: '1024', meaning: 'equi-depth bucket steps of the distributed benchmark (finer buckets ship fewer values in pass 2, pass 1 grows)', readBy: 'bench' },
  MLWATCH_PROPERTY_RUNS: { default: '60', meaning: 'runs per kernel of the property-based backend parity test', readBy: 'tests' },
  MLWATCH_SCREENSHOT: { default: 'a temporary file', meaning: 'where the HTML report test saves its screenshot', readBy: 'tests' },
  MLWATCH_POSTGRES_BIN: { default: 'the newest /usr/lib/postgresql/N/bin', meaning: 'where the registry tests find initdb and pg_ctl to start their private PostgreSQL server', readBy: 'tests' },
  MLWATCH_CUDA_TEST_SMALL: { default: 'unset', meaning: 'set: the CUDA kernel tests leave out their largest sizes (for compute-sanitizer)', readBy: 'tests' },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

/** The variable's value, or undefined when it is unset or empty. */
export function setting(name: SettingName): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}
