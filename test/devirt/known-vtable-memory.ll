; Known vtable through memory: a `&mut dyn It` built in an alloca, whose address is spilled to a
; pointer slot and passed to internal functions that only read through it (std's
; `impl Iterator for &mut I`, whose `next` does `(**self).next()`), still holds only the
; vtable stored there, whether the fat pointer was stored whole or word by word, or came back
; from a call. Reads alone keep it known: loads, lifetime markers, read-only helpers.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err

@"vtable<A as It>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<A as It>::next" }, align 8, !type !0
@"vtable<B as It>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<B as It>::next" }, align 8, !type !0
@"vtable<C as It>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<C as It>::next" }, align 8, !type !0

declare void @drop(ptr)
declare i32 @"<A as It>::next"(ptr)
declare i32 @"<B as It>::next"(ptr)
declare i32 @"<C as It>::next"(ptr)
declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)

; `<&mut dyn It as It>::next` as trc emits it at -O0: self (a `&mut &mut dyn It`) is spilled,
; reloaded, and the fat pointer is loaded through it and copied once more.
; CHECK-LABEL: define internal i32 @"<&mut dyn It as It>::next"(
; CHECK-NOT:     call {{[a-z0-9 {},]*}} %
; CHECK:         %r = call i32 @"<A as It>::next"(ptr %data)
; CHECK-NEXT:    ret i32 %r
; REMARK: @<&mut dyn It as It>::next: devirt: known vtable: <A as It>::next
define internal i32 @"<&mut dyn It as It>::next"(ptr %0) {
start:
  %copy = alloca { ptr, ptr }, align 8
  %self = alloca ptr, align 8
  store ptr %0, ptr %self, align 8
  %p = load ptr, ptr %self, align 8
  %fat = load { ptr, ptr }, ptr %p, align 8
  store { ptr, ptr } %fat, ptr %copy, align 8
  %fat2 = load { ptr, ptr }, ptr %copy, align 8
  %data = extractvalue { ptr, ptr } %fat2, 0
  %vtable = extractvalue { ptr, ptr } %fat2, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

; Only reads through its argument.
define internal ptr @data_of(ptr %0) {
  %d = load ptr, ptr %0, align 8
  ret ptr %d
}

; The fat pointer stored word by word (data at +0, vtable at +8), its address spilled to a
; pointer slot and passed on; a read-only helper and lifetime markers see it too.
define i32 @per_word(ptr %x) {
  %it = alloca { ptr, ptr }, align 8
  %ref = alloca ptr, align 8
  call void @llvm.lifetime.start.p0(i64 16, ptr %it)
  store ptr %x, ptr %it, align 8
  %vtw = getelementptr inbounds { ptr, ptr }, ptr %it, i32 0, i32 1
  store ptr @"vtable<A as It>", ptr %vtw, align 8
  store ptr %it, ptr %ref, align 8
  %r1 = load ptr, ptr %ref, align 8
  %a = call i32 @"<&mut dyn It as It>::next"(ptr %r1)
  %d = call ptr @data_of(ptr %it)
  %r2 = load ptr, ptr %ref, align 8
  %b = call i32 @"<&mut dyn It as It>::next"(ptr %r2)
  call void @llvm.lifetime.end.p0(i64 16, ptr %it)
  %s = add i32 %a, %b
  ret i32 %s
}

; `<Box<dyn It> as IntoIterator>::into_iter`: the fat pointer comes back as a call's result.
define internal { ptr, ptr } @into_iter(ptr %0, ptr %1) {
  %self = alloca { ptr, ptr }, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %0, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr %1, 1
  store { ptr, ptr } %f1, ptr %self, align 8
  %f = load { ptr, ptr }, ptr %self, align 8
  ret { ptr, ptr } %f
}

; CHECK-LABEL: define internal i32 @read_whole(
; CHECK-NOT:     call {{[a-z0-9 {},]*}} %
; CHECK:         %r = call i32 @"<B as It>::next"(ptr %data)
; REMARK: @read_whole: devirt: known vtable: <B as It>::next
define internal i32 @read_whole(ptr %0) {
  %fat = load { ptr, ptr }, ptr %0, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %slot = getelementptr inbounds i8, ptr %vtable, i64 24
  %next = load ptr, ptr %slot, align 8, !invariant.load !1
  %r = call i32 %next(ptr %data), !trc.vcall !2
  ret i32 %r
}

; The whole fat pointer stored at once; the data word is rewritten later, which leaves the
; vtable word alone.
define i32 @whole(ptr %x, ptr %y) {
  %it = alloca { ptr, ptr }, align 8
  %f = call { ptr, ptr } @into_iter(ptr %x, ptr @"vtable<B as It>")
  store { ptr, ptr } %f, ptr %it, align 8
  %a = call i32 @read_whole(ptr %it)
  store ptr %y, ptr %it, align 8
  %b = call i32 @read_whole(ptr %it)
  %s = add i32 %a, %b
  ret i32 %s
}

!0 = !{i64 0, !"It"}
!1 = !{}
!2 = !{!"It", !"next"}
