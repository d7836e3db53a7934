; Where a vtable stored in an alloca must not be taken as the only one: something else may
; write the word. A callee that stores an unknown vtable through the pointer, the pointer
; passed to a function outside the module, a store at an unknown offset, a memcpy into the
; alloca, the pointer returned by a callee (which may then write through it), a pointer slot
; whose own address escapes: each call falls back to the closed-world switch over every vtable
; of `It`. A callee that stores another known vtable adds it: two cases, not one.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err

@"vtable<A as It>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<A as It>::next" }, align 8, !type !0
@"vtable<B as It>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<B as It>::next" }, align 8, !type !0
@"vtable<C as It>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<C as It>::next" }, align 8, !type !0
; Whatever the program put there last.
@current = global ptr null

declare void @drop(ptr)
declare i32 @"<A as It>::next"(ptr)
declare i32 @"<B as It>::next"(ptr)
declare i32 @"<C as It>::next"(ptr)
declare void @elsewhere(ptr)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

; Each `read_*` is the same dyn call through a `&mut dyn It` argument, one per case below.
; CHECK-LABEL: define internal i32 @read_stored_unknown(
; CHECK:         %[[IS:.*]] = icmp eq ptr %vtable, @"vtable<{{A|B|C}} as It>"
; CHECK-COUNT-3: call i32 @"<{{A|B|C}} as It>::next"(ptr %data)
; CHECK-NOT:     call {{[a-z0-9 {},]*}} %
; REMARK: @read_stored_unknown: devirt: closed-world switch: {{.*}} (3 cases)
define internal i32 @read_stored_unknown(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

; Writes through its argument, at the vtable word, a vtable this pass cannot trace.
define internal void @replace_unknown(ptr %0) {
  %v = load ptr, ptr @current, align 8
  %w = getelementptr inbounds i8, ptr %0, i64 8
  store ptr %v, ptr %w, align 8
  ret void
}

define i32 @callee_stores_unknown(ptr %x) {
  %it = alloca { ptr, ptr }, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %x, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr @"vtable<A as It>", 1
  store { ptr, ptr } %f1, ptr %it, align 8
  call void @replace_unknown(ptr %it)
  %r = call i32 @read_stored_unknown(ptr %it)
  ret i32 %r
}

; CHECK-LABEL: define internal i32 @read_stored_known(
; CHECK:         icmp eq ptr %next, @"<{{A|B}} as It>::next"
; CHECK:         call i32 @"<{{A|B}} as It>::next"(ptr %data)
; CHECK:         call i32 @"<{{A|B}} as It>::next"(ptr %data)
; CHECK-NOT:     call {{[a-z0-9 {},]*}} %
; CHECK-LABEL: define internal void @replace_with_b(
; REMARK: @read_stored_known: devirt: known vtable: <{{A|B}} as It>::next, <{{A|B}} as It>::next (2 cases)
define internal i32 @read_stored_known(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

; Stores B's vtable over A's, through a spilled copy of its argument.
define internal void @replace_with_b(ptr %0) {
  %self = alloca ptr, align 8
  store ptr %0, ptr %self, align 8
  %p = load ptr, ptr %self, align 8
  %w = getelementptr inbounds { ptr, ptr }, ptr %p, i32 0, i32 1
  store ptr @"vtable<B as It>", ptr %w, align 8
  ret void
}

define i32 @callee_stores_known(ptr %x) {
  %it = alloca { ptr, ptr }, align 8
  store ptr %x, ptr %it, align 8
  %w = getelementptr inbounds i8, ptr %it, i64 8
  store ptr @"vtable<A as It>", ptr %w, align 8
  call void @replace_with_b(ptr %it)
  %r = call i32 @read_stored_known(ptr %it)
  ret i32 %r
}

; REMARK: @read_escapes: devirt: closed-world switch: {{.*}} (3 cases)
define internal i32 @read_escapes(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

define i32 @escapes(ptr %x) {
  %it = alloca { ptr, ptr }, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %x, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr @"vtable<A as It>", 1
  store { ptr, ptr } %f1, ptr %it, align 8
  call void @elsewhere(ptr %it)
  %r = call i32 @read_escapes(ptr %it)
  ret i32 %r
}

; REMARK: @read_unknown_offset: devirt: closed-world switch: {{.*}} (3 cases)
define internal i32 @read_unknown_offset(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

; `words[i] = p`: i may be 1, the vtable word.
define i32 @unknown_offset(ptr %x, i64 %i, ptr %p) {
  %it = alloca { ptr, ptr }, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %x, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr @"vtable<A as It>", 1
  store { ptr, ptr } %f1, ptr %it, align 8
  %w = getelementptr inbounds ptr, ptr %it, i64 %i
  store ptr %p, ptr %w, align 8
  %r = call i32 @read_unknown_offset(ptr %it)
  ret i32 %r
}

; REMARK: @read_memcpy: devirt: closed-world switch: {{.*}} (3 cases)
define internal i32 @read_memcpy(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

define i32 @memcpy_into(ptr %x, ptr %other) {
  %it = alloca { ptr, ptr }, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %x, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr @"vtable<A as It>", 1
  store { ptr, ptr } %f1, ptr %it, align 8
  call void @llvm.memcpy.p0.p0.i64(ptr %it, ptr %other, i64 16, i1 false)
  %r = call i32 @read_memcpy(ptr %it)
  ret i32 %r
}

; REMARK: @read_returned: devirt: closed-world switch: {{.*}} (3 cases)
define internal i32 @read_returned(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

; Reads nothing, but hands the pointer back: the caller's writes through the result are writes
; to the alloca.
define internal ptr @same(ptr %0) {
  ret ptr %0
}

define i32 @returned(ptr %x, ptr %p) {
  %it = alloca { ptr, ptr }, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %x, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr @"vtable<A as It>", 1
  store { ptr, ptr } %f1, ptr %it, align 8
  %alias = call ptr @same(ptr %it)
  %w = getelementptr inbounds i8, ptr %alias, i64 8
  store ptr %p, ptr %w, align 8
  %r = call i32 @read_returned(ptr %it)
  ret i32 %r
}

; REMARK: @read_slot_escapes: devirt: closed-world switch: {{.*}} (3 cases)
define internal i32 @read_slot_escapes(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

; The alloca's address is kept in a slot that is itself passed out: `elsewhere` may load the
; address from it and write through it.
define i32 @slot_escapes(ptr %x) {
  %it = alloca { ptr, ptr }, align 8
  %ref = alloca ptr, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %x, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr @"vtable<A as It>", 1
  store { ptr, ptr } %f1, ptr %it, align 8
  store ptr %it, ptr %ref, align 8
  call void @elsewhere(ptr %ref)
  %p = load ptr, ptr %ref, align 8
  %r = call i32 @read_slot_escapes(ptr %p)
  ret i32 %r
}

!0 = !{i64 0, !"It"}
!1 = !{}
!2 = !{!"It", !"next"}
