/*
 * runtime.c - process lifecycle, stdout/stderr, panics and argv.
 *
 * This file owns everything a trc program observably does to its process
 * besides building strings: when bytes reach fd 1 and fd 2, what a panic
 * prints, and the exit status.  Rust's behaviour is copied precisely because
 * tests compare against rustc-built binaries byte for byte, including when
 * stdout and stderr go to the same pipe:
 *
 *  - stdout is Rust's LineWriter (1024-byte buffer): complete lines are
 *    written as soon as they are printed, a trailing partial line waits.
 *    We use write(2) directly rather than stdio so that nothing else buffers
 *    behind our back and the interleaving with stderr is Rust's.
 *  - stderr is unbuffered.
 *  - A panic prints its message first and flushes stdout only afterwards,
 *    while exiting (Rust flushes in its runtime cleanup after main unwinds),
 *    so a pending partial stdout line lands after the panic text.
 *  - Allocation failure aborts without flushing stdout, as Rust's abort does.
 *  - SIGPIPE is ignored (Rust does this at startup); a failed stdout write
 *    becomes the panic "failed printing to stdout: ...".
 *  - Running off the end of the stack prints Rust's "has overflowed its
 *    stack" message and aborts (SIGABRT), where a plain C program would die
 *    of SIGSEGV without a word.
 *
 * The stdout buffer is static so the runtime never allocates for its own
 * needs and stays valgrind-clean.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* POSIX 2008 with XSI (sigaltstack, SA_ONSTACK), and pthread_getattr_np */
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unwind.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"

/* ---- raw fd output ------------------------------------------------------ */

int rt_write_fd(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (w == 0)
            return EIO; /* Rust's WriteZero; cannot make progress */
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Rust treats an fd that is closed (EBADF) as a sink that swallows output,
 * so printing to a closed stdout/stderr is not an error. */
static int write_std(int fd, const uint8_t *p, size_t n)
{
    int err = rt_write_fd(fd, p, n);
    return err == EBADF ? 0 : err;
}

static void write_stderr(const void *p, size_t n)
{
    /* Errors on stderr have nowhere to be reported; Rust ignores them too. */
    (void)write_std(2, (const uint8_t *)p, n);
}

/* ---- stdout: a copy of std's LineWriter over a 1024-byte BufWriter ------- */

#define STDOUT_CAP 1024
static uint8_t out_buf[STDOUT_CAP];
static size_t out_len;

/* BufWriter::flush_buf.  On error the buffered bytes are dropped: the
 * caller is about to panic, and the exit path must not report twice. */
static int out_flush(void)
{
    int err = write_std(1, out_buf, out_len);
    out_len = 0;
    return err;
}

/* BufWriter::write_all: make room if needed; chunks at least as large as
 * the whole buffer bypass it. */
static int out_buffered_write(const uint8_t *p, size_t n)
{
    if (n > STDOUT_CAP - out_len) {
        int err = out_flush();
        if (err)
            return err;
    }
    if (n >= STDOUT_CAP)
        return write_std(1, p, n);
    memcpy(out_buf + out_len, p, n);
    out_len += n;
    return 0;
}

static const uint8_t *last_newline(const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (p[--n] == '\n')
            return p + n;
    }
    return NULL;
}

/* LineWriterShim::write_all: everything up to the last newline goes out
 * now (joined with what is already buffered, saving a syscall), the tail is
 * buffered. */
static int out_line_write(const uint8_t *p, size_t n)
{
    const uint8_t *nl = last_newline(p, n);
    if (nl == NULL) {
        if (out_len > 0 && out_buf[out_len - 1] == '\n') {
            int err = out_flush();
            if (err)
                return err;
        }
        return out_buffered_write(p, n);
    }
    size_t lines = (size_t)(nl - p) + 1;
    int err;
    if (out_len == 0) {
        err = write_std(1, p, lines);
    } else {
        err = out_buffered_write(p, lines);
        if (!err)
            err = out_flush();
    }
    if (err)
        return err;
    return out_buffered_write(p + lines, n - lines);
}

/* Rust's print! panics on a write error: "failed printing to stdout: " and
 * the io::Error's Display, which is strerror text plus "(os error N)". */
_Noreturn static void stdout_failed(int err)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "failed printing to stdout: %s (os error %d)",
                     strerror(err), err);
    if (n < 0 || (size_t)n >= sizeof msg)
        n = (int)strlen(msg);
    static const char loc[] = RT_LOC_STDOUT_FAILED;
    rt_panic_at(msg, (size_t)n, loc, sizeof loc - 1);
}

/* std's Stdout is behind a reentrant lock: one print! call's text is never split by another
 * thread's. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

void trc_print(const uint8_t *p, uint64_t n)
{
    pthread_mutex_lock(&out_lock);
    int err = out_line_write(p, (size_t)n);
    pthread_mutex_unlock(&out_lock);
    if (err)
        stdout_failed(err);
}

void trc_eprint(const uint8_t *p, uint64_t n)
{
    write_stderr(p, (size_t)n);
}

/* io::stdout().flush(): what print! left in the buffer goes out now (a prompt before reading). */
void trc_flush_stdout(void)
{
    pthread_mutex_lock(&out_lock);
    int err = out_flush();
    pthread_mutex_unlock(&out_lock);
    if (err)
        stdout_failed(err);
}

/* io::stdin(): the next byte of standard input, or -1 at its end (or on a read error). stdio's
 * buffer is enough: nothing else in a program reads fd 0. */
int32_t trc_stdin_byte(void)
{
    int c = getchar();
    return c == EOF ? -1 : c;
}

/* The exit-time flush: Rust's runtime cleanup ignores errors here. */
static void flush_at_exit(void)
{
    pthread_mutex_lock(&out_lock);
    (void)out_flush();
    pthread_mutex_unlock(&out_lock);
}

/* ---- lifecycle ----------------------------------------------------------- */

static int32_t g_argc;
static char **g_argv;

/* Rust's startup reopens fds 0-2 on /dev/null if they are closed, so that
 * files opened later never land on them.  We do the same for parity. */
static void sanitize_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            if (open("/dev/null", O_RDWR) == -1)
                abort();
        }
    }
}

/* ---- stack overflow ------------------------------------------------------ */

/* Rust's runtime reports a stack overflow of the main thread as
 *
 *   \nthread 'main' (TID) has overflowed its stack\nfatal runtime error: stack overflow, aborting\n
 *
 * then aborts. The kernel grows the main thread's stack on demand up to RLIMIT_STACK; a fault
 * beyond that is a SIGSEGV on an address just below the stack's lowest possible page. The
 * handler runs on an alternate stack (the real one is exhausted) and calls it an overflow only
 * when the faulting address lies in that band below the top of the stack recorded at start-up;
 * any other fault gets the default action back and happens again, as a plain SIGSEGV.
 *
 * A spawned thread's stack is a fixed mapping with a guard page below it (pthreads): a fault
 * there is its overflow, reported with the thread's name ('<unknown>' for an unnamed one, as
 * Rust's handler says). Each spawned thread has its own alternate stack and band. */
static uintptr_t g_stack_top, g_stack_limit;
static char g_alt_stack[64 * 1024];
static _Thread_local uintptr_t t_guard_lo, t_guard_hi;  /* a spawned thread's guard band */
static _Thread_local void *t_alt_stack;

static void put_decimal(long v)
{
    char buf[24];
    int i = (int)sizeof buf;
    do buf[--i] = (char)('0' + v % 10); while ((v /= 10) > 0);
    write_stderr(buf + i, sizeof buf - (size_t)i);
}

static void report_overflow(const char *name)
{
    write_stderr("\nthread '", 9);
    write_stderr(name, strlen(name));
    write_stderr("' (", 3);
    put_decimal(rt_thread_id());
    static const char tail[] = ") has overflowed its stack\nfatal runtime error: stack overflow, aborting\n";
    write_stderr(tail, sizeof tail - 1);
    signal(SIGABRT, SIG_DFL);
    abort();
}

static void on_segv(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    uintptr_t addr = (uintptr_t)info->si_addr;
    if (t_guard_hi) {
        if (addr >= t_guard_lo && addr < t_guard_hi) report_overflow(rt_thread_named() ? rt_thread_name() : "<unknown>");
        signal(sig, SIG_DFL);
        return;
    }
    uintptr_t slack = 1u << 20; /* the guard gap, and what the kernel keeps for env and argv */
    if (g_stack_limit && addr < g_stack_top && g_stack_top - addr + slack >= g_stack_limit &&
        g_stack_top - addr <= g_stack_limit + slack)
        report_overflow("main");
    signal(sig, SIG_DFL); /* not ours: fault again, without the handler */
}

/* thread.c, as a spawned thread starts and ends: its guard band (the page below its stack, and
 * a page of the stack's own end, where a big frame's first write lands) and alternate stack. */
void rt_watch_thread_stack(void)
{
    pthread_attr_t attr;
    void *lo;
    size_t size, guard;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
    int ok = pthread_attr_getstack(&attr, &lo, &size) == 0 && pthread_attr_getguardsize(&attr, &guard) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    stack_t ss = {.ss_sp = malloc(64 * 1024), .ss_size = 64 * 1024, .ss_flags = 0};
    if (!ss.ss_sp || sigaltstack(&ss, NULL) != 0) {
        free(ss.ss_sp);
        return;
    }
    t_alt_stack = ss.ss_sp;
    t_guard_lo = (uintptr_t)lo - (guard > page ? guard : page);
    t_guard_hi = (uintptr_t)lo + page;
}

void rt_unwatch_thread_stack(void)
{
    if (!t_alt_stack) return;
    stack_t ss = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    free(t_alt_stack);
    t_alt_stack = NULL;
    t_guard_lo = t_guard_hi = 0;
}

static void catch_stack_overflow(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        int here;
        g_stack_top = (uintptr_t)&here;
        g_stack_limit = (uintptr_t)rl.rlim_cur;
    }
    stack_t ss = {.ss_sp = g_alt_stack, .ss_size = sizeof g_alt_stack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

void trc_rt_init(int32_t argc, char **argv)
{
    g_argc = argc;
    g_argv = argv;
    sanitize_std_fds();
    catch_stack_overflow();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
    atexit(flush_at_exit);  /* after the main thread's thread_local! drops (trc_thread_atexit) */
}

int32_t trc_rt_exit(void)
{
    flush_at_exit();
    return 0;
}

_Noreturn void trc_exit(int32_t code)
{
    flush_at_exit();
    exit(code);
}

/* ---- panics -------------------------------------------------------------- */

/* Unwinding. Like a Rust program built with panic=unwind, a trc program runs the destructors
 * of every live value on the stack when it panics. trc's generated code has landing pads that
 * drop what each frame owns (with the C personality routine, __gcc_personality_v0); the
 * runtime starts a *forced* unwind, which runs every cleanup without searching for a handler,
 * and the stop function ends the process with Rust's exit code 101 once the unwinder reaches
 * the end of the stack. A panic raised while a destructor runs during that unwinding aborts,
 * as Rust's "panic in a destructor during cleanup" does. */
static _Thread_local int panicking;
static _Thread_local struct _Unwind_Exception panic_exception;

/* std::panic::catch_unwind. Each call of it on this thread's stack is a Catch in its C frame,
 * innermost first. The forced unwind asks stop_at_end before it unwinds each frame; once it
 * reaches a frame whose CFA is above the innermost Catch, every frame the closure ran in has
 * had its cleanups run, and the unwinding ends there with a longjmp into trc_catch_unwind. */
typedef struct Catch {
    jmp_buf landing;
    struct Catch *outer;
} Catch;
static _Thread_local Catch *innermost_catch;

uint64_t trc_catch_unwind(void *entry, void *arg)
{
    Catch c;
    c.outer = innermost_catch;
    innermost_catch = &c;
    if (setjmp(c.landing) == 0) {
        ((void (*)(void *))entry)(arg);
        innermost_catch = c.outer;
        return 0;
    }
    innermost_catch = c.outer;
    panicking = 0;
    return rt_take_panic();
}

int rt_panicking(void)
{
    return panicking > 0;
}

static _Unwind_Reason_Code stop_at_end(int version, _Unwind_Action actions,
                                       _Unwind_Exception_Class cls,
                                       struct _Unwind_Exception *exc,
                                       struct _Unwind_Context *ctx, void *param)
{
    (void)version; (void)cls; (void)exc; (void)param;
    if (innermost_catch && ((actions & _UA_END_OF_STACK) || _Unwind_GetCFA(ctx) > (uintptr_t)innermost_catch))
        longjmp(innermost_catch->landing, 1);
    if (actions & _UA_END_OF_STACK) {
        if (rt_in_spawned_thread())
            rt_thread_unwound();
        flush_at_exit();
        exit(101);
    }
    return _URC_NO_REASON;
}

_Noreturn static void unwind_and_exit(void)
{
    if (panicking++) {
        static const char msg[] = "' panicked during cleanup: aborting\n";
        write_stderr("thread '", 8);
        write_stderr(rt_thread_name(), strlen(rt_thread_name()));
        write_stderr(msg, sizeof msg - 1);
        abort();
    }
    panic_exception.exception_class = 0x5452430050414e43ull;  /* "TRC\0PANC" */
    panic_exception.exception_cleanup = NULL;
    _Unwind_ForcedUnwind(&panic_exception, stop_at_end, NULL);
    /* Only reached when the unwinder cannot walk the stack at all. */
    if (innermost_catch)
        longjmp(innermost_catch->landing, 1);
    if (rt_in_spawned_thread())
        rt_thread_unwound();
    flush_at_exit();
    exit(101);
}

static const char BACKTRACE_NOTE[] =
    "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";

/* What a panic hook is told (std::panic::PanicHookInfo, built from it in panic.tr, which
 * declares the same fields in the same order): where, and the message (a PanicMsg). */
typedef struct PanicReport {
    const char *file;
    uint64_t file_len;
    uint64_t msg;
    uint32_t line, col;
} PanicReport;

/* std::panic::set_hook's hook: a function of the program called with its data (the leaked
 * Box<dyn Fn(&PanicHookInfo)>) and a PanicReport, instead of the default message. Panics
 * read it while others may set it. */
static void (*hook_fn)(void *, uint64_t);
static void *hook_data;
static pthread_rwlock_t hook_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Installs a hook; gives the one it replaces (its data, for the program to drop), or 0. */
uint64_t trc_set_panic_hook(void *fn, void *data)
{
    pthread_rwlock_wrlock(&hook_lock);
    void *old = hook_data;
    hook_fn = (void (*)(void *, uint64_t))fn;
    hook_data = data;
    pthread_rwlock_unlock(&hook_lock);
    return (uint64_t)(uintptr_t)old;
}

/* take_hook: the installed hook's data (0: the default one), which is uninstalled. */
uint64_t rt_take_panic_hook(void)
{
    return trc_set_panic_hook(NULL, NULL);
}

/* The default hook's message (rustc 1.95's, note the leading blank line and the OS thread id,
 * which for the main thread is the pid; a spawned thread without a name is '<unnamed>'):
 *
 *   \nthread 'main' (TID) panicked at FILE:LINE:COL:\nMSG\nnote: ...\n
 *
 * The note about RUST_BACKTRACE comes with the process's first default message only. */
static void default_hook(const char *msg, size_t msg_len, const char *file, size_t file_len,
                         uint32_t line, uint32_t col)
{
    static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;  /* std locks stderr for the message */
    pthread_mutex_lock(&err_lock);
    char head[64];
    int n = snprintf(head, sizeof head, "\nthread '%s' (%ld) panicked at ",
                     rt_thread_name(), rt_thread_id());
    write_stderr(head, (size_t)n);
    write_stderr(file, file_len);
    n = snprintf(head, sizeof head, ":%u:%u:\n", (unsigned)line, (unsigned)col);
    write_stderr(head, (size_t)n);
    write_stderr(msg, msg_len);
    write_stderr("\n", 1);
    static int noted;
    if (!__atomic_exchange_n(&noted, 1, __ATOMIC_SEQ_CST))
        write_stderr(BACKTRACE_NOTE, sizeof BACKTRACE_NOTE - 1);
    pthread_mutex_unlock(&err_lock);
}

/* The default hook, called from the program (the hook take_hook gives when none is set). */
void rt_default_panic_hook(uint64_t report)
{
    PanicReport *r = (PanicReport *)(uintptr_t)report;
    const char *msg = rt_panic_msg_bytes(r->msg);
    default_hook(msg, rt_panic_msg_len(r->msg), r->file, r->file_len, r->line, r->col);
}

/* A panic: the message is kept for whoever stops the unwinding, the hook (or the default
 * message) is called, then the thread unwinds. loc is "FILE:LINE:COL" when line is 0. */
_Noreturn static void panic_common(const char *msg, size_t msg_len,
                                   const char *file, size_t file_len,
                                   uint32_t line, uint32_t col, int is_static)
{
    if (line == 0) {  /* split "FILE:LINE:COL" */
        size_t c2 = file_len;
        while (c2 > 0 && file[c2 - 1] != ':')
            c2--;
        size_t c1 = c2 > 0 ? c2 - 1 : 0;
        while (c1 > 0 && file[c1 - 1] != ':')
            c1--;
        if (c1 > 0 && c2 > c1) {
            line = (uint32_t)strtoul(file + c1, NULL, 10);
            col = (uint32_t)strtoul(file + c2, NULL, 10);
            file_len = c1 - 1;
        }
    }
    static _Thread_local int in_hook;
    if (in_hook) {
        static const char msg2[] = "thread panicked while processing panic. aborting.\n";
        write_stderr(msg2, sizeof msg2 - 1);
        abort();
    }
    uint64_t kept = rt_note_panic(msg, msg_len, is_static);
    pthread_rwlock_rdlock(&hook_lock);
    if (hook_fn) {
        PanicReport r = {file, file_len, kept, line, col};
        in_hook = 1;
        panicking++;  /* std::thread::panicking() is true in the hook */
        hook_fn(hook_data, (uint64_t)(uintptr_t)&r);
        panicking--;
        in_hook = 0;
    } else {
        default_hook(msg, msg_len, file, file_len, line, col);
    }
    pthread_rwlock_unlock(&hook_lock);
    unwind_and_exit();
}

_Noreturn void rt_panic_at(const char *msg, size_t msg_len, const char *loc, size_t loc_len)
{
    panic_common(msg, msg_len, loc, loc_len, 0, 0, 0);
}

_Noreturn void rt_panic_const_at(const char *msg, size_t msg_len, const char *loc, size_t loc_len)
{
    panic_common(msg, msg_len, loc, loc_len, 0, 0, 1);
}

_Noreturn void trc_panic(const uint8_t *msg, uint64_t msg_len,
                         const uint8_t *file, uint64_t file_len,
                         uint32_t line, uint32_t col)
{
    panic_common((const char *)msg, (size_t)msg_len, (const char *)file, (size_t)file_len, line, col, 0);
}

_Noreturn void trc_panic_const(const uint8_t *msg, uint64_t msg_len,
                               const uint8_t *file, uint64_t file_len,
                               uint32_t line, uint32_t col)
{
    panic_common((const char *)msg, (size_t)msg_len, (const char *)file, (size_t)file_len, line, col, 1);
}

/* The line of core/src/num/mod.rs whose int_impl!/uint_impl! expansion
 * holds the method, per type (i8 i16 i32 i64 isize u8 u16 u32 u64 usize):
 * rustc 1.95 reports overflows inside `pow` and `abs` there. */
static const unsigned core_num_line[10] = {346, 370, 394, 418, 519, 546, 1188, 1243, 1274, 1400};

_Noreturn void trc_panic_int_method(uint32_t what, uint32_t int_type)
{
    static const char *const msgs[5] = {"attempt to multiply with overflow", "attempt to negate with overflow",
                                        "attempt to divide by zero", "attempt to calculate the remainder with a divisor of zero",
                                        "attempt to add with overflow"};
    const char *msg = msgs[what % 5];
    char loc[160];
    int n = snprintf(loc, sizeof loc, RT_RUSTC_SRC "core/src/num/mod.rs:%u:5", core_num_line[int_type % 10]);
    rt_panic_const_at(msg, strlen(msg), loc, (size_t)n);
}

_Noreturn void trc_panic_int_clamp(uint64_t min, uint64_t max, int32_t is_signed, const uint8_t *file,
                                   uint64_t file_len, uint32_t line, uint32_t col)
{
    char msg[96];
    int n = is_signed ? snprintf(msg, sizeof msg, "min > max. min = %lld, max = %lld", (long long)min, (long long)max)
                      : snprintf(msg, sizeof msg, "min > max. min = %llu, max = %llu", (unsigned long long)min,
                                 (unsigned long long)max);
    trc_panic((const uint8_t *)msg, (uint64_t)n, file, file_len, line, col);
}

_Noreturn void trc_panic_bounds_check(uint64_t index, uint64_t len,
                                      const uint8_t *file, uint64_t file_len,
                                      uint32_t line, uint32_t col)
{
    char msg[128];
    int n = snprintf(msg, sizeof msg,
                     "index out of bounds: the len is %llu but the index is %llu",
                     (unsigned long long)len, (unsigned long long)index);
    trc_panic((const uint8_t *)msg, (uint64_t)n, file, file_len, line, col);
}

/* &v[lo..hi] (flags bit 0: `..=`): the checks of
 * core::slice::index (Rust 1.95), in its order, with its messages: the start past the end of
 * the slice first, then the end (of `..=`, the inclusive end as written), then their order. */
void trc_slice_check(uint64_t lo, uint64_t hi, uint64_t len, int32_t flags,
                     const uint8_t *file, uint64_t file_len, uint32_t line, uint32_t col)
{
    char msg[160];
    int n = 0;
    int inclusive = flags & 1;
    uint64_t end = inclusive ? hi + 1 : hi;
    if (lo > len)
        n = snprintf(msg, sizeof msg, "range start index %llu out of range for slice of length %llu",
                     (unsigned long long)lo, (unsigned long long)len);
    else if (inclusive ? hi >= len : hi > len)
        n = snprintf(msg, sizeof msg, "range end index %llu out of range for slice of length %llu",
                     (unsigned long long)hi, (unsigned long long)len);
    else if (lo > end)
        n = snprintf(msg, sizeof msg, "slice index starts at %llu but ends at %llu",
                     (unsigned long long)lo, (unsigned long long)end);
    if (n > 0)
        trc_panic((const uint8_t *)msg, (uint64_t)n, file, file_len, line, col);
}

/* Vec::remove: moves element idx (size bytes) to out and closes the gap. */
void trc_vec_remove(TrcVec *v, uint64_t idx, uint64_t size, uint8_t *out,
                    const uint8_t *file, uint64_t file_len, uint32_t line, uint32_t col)
{
    if (idx >= v->len) {
        char msg[128];
        int n = snprintf(msg, sizeof msg, "removal index (is %llu) should be < len (is %llu)",
                         (unsigned long long)idx, (unsigned long long)v->len);
        trc_panic((const uint8_t *)msg, (uint64_t)n, file, file_len, line, col);
    }
    memcpy(out, v->ptr + idx * size, (size_t)size);
    memmove(v->ptr + idx * size, v->ptr + (idx + 1) * size, (size_t)((v->len - idx - 1) * size));
    v->len--;
}

/* Vec::insert, after the compiler has pushed the new element at the end:
 * rotates it into place (len is the length before the push). */
void trc_vec_insert(TrcVec *v, uint64_t idx, uint64_t size, uint64_t len,
                    const uint8_t *file, uint64_t file_len, uint32_t line, uint32_t col)
{
    if (idx > len) {
        char msg[128];
        int n = snprintf(msg, sizeof msg, "insertion index (is %llu) should be <= len (is %llu)",
                         (unsigned long long)idx, (unsigned long long)len);
        v->len--;  /* the element goes back to the caller, which drops it while unwinding */
        trc_panic((const uint8_t *)msg, (uint64_t)n, file, file_len, line, col);
    }
    uint8_t tmp[size ? size : 1];
    memcpy(tmp, v->ptr + len * size, (size_t)size);
    memmove(v->ptr + (idx + 1) * size, v->ptr + idx * size, (size_t)((len - idx) * size));
    memcpy(v->ptr + idx * size, tmp, (size_t)size);
}

/* std's default alloc error hook, then process::abort().  Deliberately no
 * stdout flush: Rust's abort loses a pending partial line, and so do we. */
_Noreturn void rt_alloc_failed(uint64_t size)
{
    char msg[80];
    int n = snprintf(msg, sizeof msg, "memory allocation of %llu bytes failed\n",
                     (unsigned long long)size);
    write_stderr(msg, (size_t)n);
    write_stderr(BACKTRACE_NOTE, sizeof BACKTRACE_NOTE - 1);
    abort();
}

/* ---- std::env::args ------------------------------------------------------ */

uint64_t trc_args_len(void)
{
    return g_argc > 0 ? (uint64_t)g_argc : 0;
}

const uint8_t *trc_arg_ptr(uint64_t i)
{
    if (i >= trc_args_len())
        return (const uint8_t *)"";
    return (const uint8_t *)g_argv[i];
}

uint64_t trc_arg_len(uint64_t i)
{
    if (i >= trc_args_len())
        return 0;
    return strlen(g_argv[i]);
}
