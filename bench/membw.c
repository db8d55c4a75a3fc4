/* Memory read bandwidth: a plain summing loop over a 1 GiB array of doubles, best of 5, with one
 * thread and with OpenMP's default thread count. Prints JSON. Used as the ceiling for the
 * column statistics benchmark. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N (1L << 27) /* 2^27 doubles = 1 GiB */

static double sum_once(const double *a, int threads, double *seconds) {
  double s = 0.0, t0 = omp_get_wtime();
#pragma omp parallel for reduction(+ : s) num_threads(threads)
  for (long i = 0; i < N; i++) s += a[i];
  *seconds = omp_get_wtime() - t0;
  return s;
}

static double best_gbs(const double *a, int threads, double *sink) {
  double best = 1e30, sec;
  for (int r = 0; r < 5; r++) {
    *sink += sum_once(a, threads, &sec);
    if (sec < best) best = sec;
  }
  return (double)N * sizeof(double) / best / 1e9;
}

int main(void) {
  double *a = malloc(N * sizeof(double));
  if (!a) return 1;
#pragma omp parallel for
  for (long i = 0; i < N; i++) a[i] = (double)(i & 1023);
  double sink = 0;
  int threads = omp_get_max_threads();
  double one = best_gbs(a, 1, &sink), all = best_gbs(a, threads, &sink);
  printf("{\"oneThreadGBs\": %.3f, \"allThreadsGBs\": %.3f, \"threads\": %d, \"sink\": %.1f}\n", one, all, threads, sink);
  free(a);
  return 0;
}
