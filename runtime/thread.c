/*
 * thread.c - std::thread's OS threads and std::sync's blocking primitives.
 *
 * A spawned thread is a pthread running a trc function (std's thread_main, in
 * compiler/std/thread.tr) on one pointer argument. A panic in it unwinds that
 * thread's frames as a panic in main does (runtime.c); when the unwinder reaches
 * the end of the thread's stack the thread returns here instead of ending the
 * process, and `join` reports that it panicked, as std's JoinHandle::join
 * returns Err.
 *
 * Mutex, RwLock and Condvar are pthread objects on the heap, created and freed
 * by their std types and driven through trc_sync's operations. pthread
 * primitives (rather than futexes over atomics, as Rust's std uses on Linux)
 * keep every happens-before edge visible to valgrind's helgrind, which the
 * test suite runs threaded programs under. The atomic counts of Arc are
 * annotated for helgrind in the same spirit (trc_sync's HB operations).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* syscall(SYS_gettid), pthread_rwlock_t under -std=c11 */
#endif

#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <valgrind/helgrind.h>

#include "rt_internal.h"

/* A copy of a panic's message, handed to whoever stops the unwinding: the joiner of the
 * thread, or catch_unwind (the program's code reads it out and frees it, ops 25-29). */
typedef struct PanicMsg {
    uint64_t len;
    int is_static;  /* std's payload is a &'static str (a message without format arguments), else a String */
    char bytes[];
} PanicMsg;

/* The message of the panic unwinding this thread, until it is taken. */
static _Thread_local PanicMsg *pending;

typedef struct Thread {
    pthread_t pt;
    void (*entry)(void *);
    void *arg;
    jmp_buf unwound;  /* where a panic's unwinding ends */
    int panicked;
    PanicMsg *msg;  /* the panic's message, for join's Err payload */
    int refs;  /* the thread and its handle: the last to let go frees the Thread */
    uint64_t id;  /* std's ThreadId: the main thread's is 1, then one per spawn, in order */
    char *name;  /* Builder::name's, set by the thread as it starts (op 33), or NULL */
} Thread;

static uint64_t last_thread_id = 1;
/* Builder::stack_size's, for this thread's next spawn (op 35); 0: the default. */
static _Thread_local size_t next_stack_size;

static _Thread_local Thread *current;

int rt_in_spawned_thread(void)
{
    return current != NULL;
}

/* The panicking thread's frames are all unwound: back to thread_start. */
_Noreturn void rt_thread_unwound(void)
{
    longjmp(current->unwound, 1);
}

int rt_thread_named(void)
{
    return !current || current->name;
}

const char *rt_thread_name(void)
{
    return !current ? "main" : current->name ? current->name : "<unnamed>";
}

/* Names the running thread (a spawned one): panics and thread::current() show it. */
static void set_thread_name(const char *bytes, size_t len)
{
    char *name = malloc(len + 1);
    if (!name)
        rt_alloc_failed(len + 1);
    memcpy(name, bytes, len);
    name[len] = 0;
    free(current->name);
    current->name = name;
}

long rt_thread_id(void)
{
    return current ? (long)syscall(SYS_gettid) : (long)getpid();
}

static void release(Thread *t)
{
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        free(t->msg);
        free(t->name);
        free(t);
    }
}

/* runtime.c, as a panic starts to unwind: keep the message for join or catch_unwind. */
uint64_t rt_note_panic(const char *msg, size_t len, int is_static)
{
    PanicMsg *m = malloc(sizeof *m + len);
    if (!m)
        rt_alloc_failed(sizeof *m + len);
    m->len = len;
    m->is_static = is_static;
    memcpy(m->bytes, msg, len);
    free(pending);
    pending = m;
    return (uint64_t)(uintptr_t)m;
}

const char *rt_panic_msg_bytes(uint64_t msg)
{
    return ((PanicMsg *)(uintptr_t)msg)->bytes;
}

size_t rt_panic_msg_len(uint64_t msg)
{
    return ((PanicMsg *)(uintptr_t)msg)->len;
}

/* The unwinding has stopped: its message (an empty one if it could not be kept). */
uint64_t rt_take_panic(void)
{
    PanicMsg *m = pending ? pending : calloc(1, sizeof *m);
    pending = NULL;
    if (!m)
        rt_alloc_failed(sizeof *m);
    return (uint64_t)(uintptr_t)m;
}

/* A &'static str payload's bytes: one copy per distinct message for the whole run, kept
 * (reachable) to the end as std's string literals are. */
typedef struct StaticMsg {
    struct StaticMsg *next;
    uint64_t len;
    char bytes[];
} StaticMsg;

static uint64_t intern_message(PanicMsg *m)
{
    static StaticMsg *all;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    StaticMsg *s = all;
    while (s && !(s->len == m->len && memcmp(s->bytes, m->bytes, m->len) == 0))
        s = s->next;
    if (!s) {
        s = malloc(sizeof *s + m->len + 1);
        if (!s)
            rt_alloc_failed(sizeof *s + m->len + 1);
        s->next = all;
        s->len = m->len;
        memcpy(s->bytes, m->bytes, m->len);
        all = s;
    }
    pthread_mutex_unlock(&lock);
    return (uint64_t)(uintptr_t)s->bytes;
}

static void *thread_start(void *p)
{
    Thread *t = p;
    current = t;
    rt_watch_thread_stack();
    if (setjmp(t->unwound) == 0) {
        t->entry(t->arg);
    } else {
        t->panicked = 1;
        t->msg = (PanicMsg *)(uintptr_t)rt_take_panic();
    }
    rt_unwatch_thread_stack();
    current = NULL;
    release(t);
    return NULL;
}

/* std::thread::spawn: runs entry(arg) on a new thread. The handle is joined
 * exactly once (a JoinHandle dropped without join detaches, see trc_sync). */
uint64_t trc_thread_spawn(void *entry, void *arg)
{
    Thread *t = calloc(1, sizeof *t);
    if (!t)
        rt_alloc_failed(sizeof *t);
    t->entry = (void (*)(void *))entry;
    t->refs = 2;
    t->arg = arg;
    t->id = __atomic_add_fetch(&last_thread_id, 1, __ATOMIC_SEQ_CST);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (next_stack_size) {
        size_t min = (size_t)PTHREAD_STACK_MIN, size = next_stack_size < min ? min : next_stack_size;
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        pthread_attr_setstacksize(&attr, (size + page - 1) / page * page);  /* std rounds up too */
        next_stack_size = 0;
    }
    int err = pthread_create(&t->pt, &attr, thread_start, t);
    pthread_attr_destroy(&attr);
    if (err) {
        static const char msg[] = "failed to spawn thread";
        rt_panic_at(msg, sizeof msg - 1, RT_RUSTC_SRC "std/src/thread/mod.rs:729:29", sizeof RT_RUSTC_SRC + 28);
    }
    return (uint64_t)(uintptr_t)t;
}

/* thread_local!'s values are dropped when their thread ends, as std does: by glibc's thread-exit
 * destructors, which also run for the main thread at exit, before the final flush (atexit in
 * trc_rt_init), so what a Drop prints there is seen. */
extern int __cxa_thread_atexit_impl(void (*dtor)(void *), void *obj, void *dso_symbol);
extern void *__dso_handle;

void trc_thread_atexit(void *dtor, void *arg)
{
    __cxa_thread_atexit_impl((void (*)(void *))dtor, arg, &__dso_handle);
}

/* Joins or detaches a thread, and lets go of its handle. A joined thread that panicked gives
 * its message (nonzero: the joiner reads and frees it through ops 25-27), else 0. */
static uint64_t thread_join(Thread *t, int detach)
{
    PanicMsg *m = NULL;
    if (detach) {
        pthread_detach(t->pt);
    } else {
        pthread_join(t->pt, NULL);
        if (t->panicked) {
            m = t->msg ? t->msg : calloc(1, sizeof *m);
            t->msg = NULL;
            if (!m)
                rt_alloc_failed(sizeof *m);
        }
    }
    release(t);
    return (uint64_t)(uintptr_t)m;
}

#define MSG(a) ((PanicMsg *)(uintptr_t)(a))

/* thread::park and Thread::unpark: a token per thread, by ThreadId (a Thread value may outlive
 * its OS thread), that unpark sets and park waits for and takes. The records are kept to the
 * end of the run. */
typedef struct Parker {
    uint64_t id;
    int token;
    pthread_mutex_t m;
    pthread_cond_t c;
    struct Parker *next;
} Parker;

static Parker *parker_of(uint64_t id)
{
    static Parker *all;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    Parker *p = all;
    while (p && p->id != id)
        p = p->next;
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p)
            rt_alloc_failed(sizeof *p);
        p->id = id;
        pthread_mutex_init(&p->m, NULL);
        pthread_cond_init(&p->c, NULL);
        p->next = all;
        all = p;
    }
    pthread_mutex_unlock(&lock);
    return p;
}

/* Waits for this thread's token (at most nanos ns when nonzero), and takes it. */
static void park(uint64_t nanos)
{
    Parker *p = parker_of(current ? current->id : 1);
    pthread_mutex_lock(&p->m);
    if (nanos) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        uint64_t ns = (uint64_t)until.tv_nsec + nanos % 1000000000u;
        until.tv_sec += (time_t)(nanos / 1000000000u + ns / 1000000000u);
        until.tv_nsec = (long)(ns % 1000000000u);
        while (!p->token && pthread_cond_timedwait(&p->c, &p->m, &until) == 0)
            ;
    } else {
        while (!p->token)
            pthread_cond_wait(&p->c, &p->m);
    }
    p->token = 0;
    pthread_mutex_unlock(&p->m);
}

static void unpark(uint64_t id)
{
    Parker *p = parker_of(id);
    pthread_mutex_lock(&p->m);
    p->token = 1;
    pthread_cond_signal(&p->c);
    pthread_mutex_unlock(&p->m);
}

static void sleep_for(uint64_t nanos)
{
    struct timespec ts = {.tv_sec = (time_t)(nanos / 1000000000u), .tv_nsec = (long)(nanos % 1000000000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void *new_object(size_t size)
{
    void *p = calloc(1, size);
    if (!p)
        rt_alloc_failed(size);
    return p;
}

static uint64_t new_mutex(void)
{
    pthread_mutex_t *m = new_object(sizeof *m);
    pthread_mutex_init(m, NULL);
    return (uint64_t)(uintptr_t)m;
}

static uint64_t new_rwlock(void)
{
    pthread_rwlock_t *l = new_object(sizeof *l);
    pthread_rwlock_init(l, NULL);
    return (uint64_t)(uintptr_t)l;
}

/* A Condvar: the pthread condition and the mutex it was last waited with. std lets a thread
 * notify without holding that mutex; helgrind calls a signal that no thread's lock covers
 * "dubious", so notify takes the mutex for the signal when nobody holds it (trylock), which
 * changes nothing else. */
typedef struct Cond {
    pthread_cond_t c;
    pthread_mutex_t *m;
} Cond;

static uint64_t new_cond(void)
{
    Cond *c = new_object(sizeof *c);
    pthread_cond_init(&c->c, NULL);
    return (uint64_t)(uintptr_t)c;
}

static int cond_wait(Cond *c, pthread_mutex_t *m)
{
    __atomic_store_n(&c->m, m, __ATOMIC_SEQ_CST);
    return pthread_cond_wait(&c->c, m);
}

static int cond_notify(Cond *c, int all)
{
    pthread_mutex_t *m = __atomic_load_n(&c->m, __ATOMIC_SEQ_CST);
    /* Nobody has waited yet: there is no one to wake. (A waiter stores m while it holds m, from
     * its look at the predicate to the wait, so a notifier that changed the predicate under m
     * sees it stored if the waiter saw the old value.) */
    if (!m)
        return 0;
    int locked = m && pthread_mutex_trylock(m) == 0;
    int r = all ? pthread_cond_broadcast(&c->c) : pthread_cond_signal(&c->c);
    if (locked)
        pthread_mutex_unlock(m);
    return r;
}

#define MUTEX(a) ((pthread_mutex_t *)(uintptr_t)(a))
#define RWLOCK(a) ((pthread_rwlock_t *)(uintptr_t)(a))
#define COND(a) ((Cond *)(uintptr_t)(a))

/* std::sync's and std::thread's operations on runtime objects (the ops are
 * listed in trc_rt.def with the same numbers as compiler/std/thread.tr's). */
uint64_t trc_sync(uint32_t op, uint64_t a, uint64_t b)
{
    switch (op) {
    case 0: return thread_join((Thread *)(uintptr_t)a, 0);
    case 1: return thread_join((Thread *)(uintptr_t)a, 1);
    case 2: return (uint64_t)rt_panicking();
    case 3: sleep_for(a); return 0;
    case 4: return new_mutex();
    case 5: return (uint64_t)pthread_mutex_lock(MUTEX(a));
    case 6: return pthread_mutex_trylock(MUTEX(a)) == 0;
    case 7: return (uint64_t)pthread_mutex_unlock(MUTEX(a));
    case 8: pthread_mutex_destroy(MUTEX(a)); free(MUTEX(a)); return 0;
    case 9: return new_cond();
    case 10: return (uint64_t)cond_wait(COND(a), MUTEX(b));
    case 11: return (uint64_t)cond_notify(COND(a), 0);
    case 12: return (uint64_t)cond_notify(COND(a), 1);
    case 13: pthread_cond_destroy(&COND(a)->c); free(COND(a)); return 0;
    case 14: return new_rwlock();
    case 15: return (uint64_t)pthread_rwlock_rdlock(RWLOCK(a));
    case 16: return (uint64_t)pthread_rwlock_wrlock(RWLOCK(a));
    case 17: return pthread_rwlock_tryrdlock(RWLOCK(a)) == 0;
    case 18: return pthread_rwlock_trywrlock(RWLOCK(a)) == 0;
    case 19: return (uint64_t)pthread_rwlock_unlock(RWLOCK(a));
    case 20: pthread_rwlock_destroy(RWLOCK(a)); free(RWLOCK(a)); return 0;
    /* Arc's release decrement and the acquire before its value is dropped: the
     * edges Rust's fences make, told to helgrind (no-ops outside valgrind). */
    case 21: ANNOTATE_HAPPENS_BEFORE((void *)(uintptr_t)a); return 0;
    case 22: ANNOTATE_HAPPENS_AFTER((void *)(uintptr_t)a); return 0;
    case 23: return (uint64_t)sysconf(_SC_NPROCESSORS_ONLN);
    case 25: return MSG(a)->len;
    case 26: return (uint8_t)MSG(a)->bytes[b];
    case 27: free(MSG(a)); return 0;
    case 28: return (uint64_t)MSG(a)->is_static;
    case 30: return rt_take_panic_hook();
    case 31: rt_default_panic_hook(a); return 0;
    case 32: return intern_message(MSG(a));
    case 33: set_thread_name((const char *)(uintptr_t)a, (size_t)b); return 0;
    case 34: return current ? current->id : 1;
    case 35: next_stack_size = (size_t)a; return 0;
    case 36: return ((Thread *)(uintptr_t)a)->id;
    case 37: return (uint64_t)(uintptr_t)(current ? current->name : "main");
    case 38: return current ? (current->name ? strlen(current->name) : 0) : 4;
    case 39: park(a); return 0;
    case 40: unpark(a); return 0;
    default: (void)b; abort();
    }
}
