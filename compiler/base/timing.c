// timing.c — `trc --time-passes`: where one compilation spends its time.
//
// The phases run one after another and each ends with a mark, so a mark needs only the clock
// reading of the mark before it: what lies between two marks is the named phase. The report
// keeps the phases in order (the pipeline reads top to bottom, as rustc's -Z time-passes
// does) and ends with the total and the peak resident memory, the two figures the compile
// speed benchmark (bench/compile) tracks.
#include "base/base.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_MARKS 32

static struct {
  bool on;
  double start, last;
  int n;
  const char *name[MAX_MARKS];
  double secs[MAX_MARKS];
  size_t arena[MAX_MARKS];  // arena bytes the phase allocated
  size_t arena_last;
} T;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void timing_start(bool report) {
  T.on = report;
  T.n = 0;
  T.start = T.last = now();
  T.arena_last = arena_bytes();
}

void timing_mark(const char *name) {
  if (!T.on) return;
  double t = now();
  size_t a = arena_bytes(), grew = a - T.arena_last;
  T.arena_last = a;
  // A phase that runs twice (a second module file) adds to its first line.
  for (int i = 0; i < T.n; i++)
    if (T.name[i] == name || !strcmp(T.name[i], name)) {
      T.secs[i] += t - T.last;
      T.arena[i] += grew;
      T.last = t;
      return;
    }
  if (T.n < MAX_MARKS) {
    T.name[T.n] = name;
    T.arena[T.n] = grew;
    T.secs[T.n++] = t - T.last;
  }
  T.last = t;
}

void timing_report(void) {
  if (!T.on) return;
  double total = now() - T.start;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  for (int i = 0; i < T.n; i++)
    fprintf(stderr, "time: %8.4f s %5.1f%%  arena %7.2f MiB  %s\n", T.secs[i], total > 0 ? 100 * T.secs[i] / total : 0,
            (double)T.arena[i] / (1 << 20), T.name[i]);
  fprintf(stderr, "time: %8.4f s          arena %7.2f MiB  total (peak memory %ld MiB)\n", total,
          (double)arena_bytes() / (1 << 20), ru.ru_maxrss / 1024);
}
