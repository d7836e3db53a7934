/*
 * alloc.c - heap allocation and Vec/String growth.
 *
 * Generated code passes Rust's Layout (size, align) to every call, so this
 * file can follow Rust's rules exactly: zero-sized allocations are never
 * made (the pointer is the alignment itself, "dangling"), failures print
 * Rust's OOM message and abort, and trc_vec_reserve copies RawVec's
 * amortized growth policy so that capacities (observable through
 * Vec::capacity) match rustc's step for step.
 *
 * malloc already returns 16-byte aligned memory on the targets we support;
 * only larger alignments take the posix_memalign path, and since realloc
 * cannot preserve such alignment, those grow by allocate-copy-free.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

/* What malloc guarantees (alignof(max_align_t) on x86-64 and AArch64). */
#define MALLOC_ALIGN 16

static void *dangling(uint64_t align)
{
    return (void *)(uintptr_t)align;
}

void *trc_alloc(uint64_t size, uint64_t align)
{
    if (size == 0)
        return dangling(align);
    void *p = NULL;
    if (align <= MALLOC_ALIGN) {
        p = malloc((size_t)size);
    } else if (posix_memalign(&p, (size_t)align, (size_t)size) != 0) {
        p = NULL;
    }
    if (p == NULL)
        rt_alloc_failed(size);
    return p;
}

void trc_dealloc(void *p, uint64_t size, uint64_t align)
{
    (void)align;
    if (size != 0)
        free(p);
}

void *trc_realloc(void *p, uint64_t old_size, uint64_t align, uint64_t new_size)
{
    if (old_size == 0)
        return trc_alloc(new_size, align);
    if (new_size == 0) {
        trc_dealloc(p, old_size, align);
        return dangling(align);
    }
    if (align <= MALLOC_ALIGN) {
        void *q = realloc(p, (size_t)new_size);
        if (q == NULL)
            rt_alloc_failed(new_size);
        return q;
    }
    void *q = trc_alloc(new_size, align);
    memcpy(q, p, (size_t)(old_size < new_size ? old_size : new_size));
    free(p);
    return q;
}

/* ---- Vec growth (alloc::raw_vec) ---------------------------------------- */

_Noreturn static void capacity_overflow(void)
{
    static const char msg[] = "capacity overflow";
    static const char loc[] = RT_LOC_CAPACITY_OVERFLOW;
    rt_panic_at(msg, sizeof msg - 1, loc, sizeof loc - 1);
}

/* RawVec's MIN_NON_ZERO_CAP: tiny first allocations are wasteful, and huge
 * elements should not be over-allocated. */
static uint64_t min_non_zero_cap(uint64_t elem_size)
{
    if (elem_size == 1)
        return 8;
    if (elem_size <= 1024)
        return 4;
    return 1;
}

/* Layout::array's check: the byte size must fit in isize::MAX once rounded
 * up to the alignment; otherwise RawVec reports capacity overflow. */
static uint64_t array_bytes(uint64_t cap, uint64_t elem_size, uint64_t align)
{
    const uint64_t isize_max = (uint64_t)INT64_MAX;
    if (cap > (isize_max - (align - 1)) / elem_size)
        capacity_overflow();
    return cap * elem_size;
}

void trc_vec_reserve(TrcVec *v, uint64_t additional, uint64_t elem_size, uint64_t elem_align)
{
    if (v->cap - v->len >= additional)
        return;
    uint64_t required = v->len + additional;
    if (required < v->len)
        capacity_overflow();
    if (elem_size == 0) {
        /* Rust gives zero-sized elements capacity usize::MAX up front; our
         * empty vec starts at cap 0, so the first reserve gets it there. */
        v->cap = UINT64_MAX;
        return;
    }

    uint64_t new_cap = v->cap * 2; /* cannot overflow: cap <= isize::MAX */
    if (new_cap < required)
        new_cap = required;
    if (new_cap < min_non_zero_cap(elem_size))
        new_cap = min_non_zero_cap(elem_size);

    uint64_t new_bytes = array_bytes(new_cap, elem_size, elem_align);
    if (v->cap == 0)
        v->ptr = trc_alloc(new_bytes, elem_align);
    else
        v->ptr = trc_realloc(v->ptr, v->cap * elem_size, elem_align, new_bytes);
    v->cap = new_cap;
}

/* Frees the buffer only; *v is left as is (the caller is dropping it). */
void trc_vec_free(TrcVec *v, uint64_t elem_size, uint64_t elem_align)
{
    if (elem_size != 0 && v->cap != 0)
        trc_dealloc(v->ptr, v->cap * elem_size, elem_align);
}
