; Where devirtualization must not fire: the vtable pointer is unknown and the slot has more
; targets than the limit (5 > 4), no vtable serves the trait, the callee is not a slot load.
; Each call stays indirect and its remark says why; --devirt-max-targets=5 allows the switch.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err
; RUN: %trc --passes=devirt --devirt-max-targets=5 %s | FileCheck %s --check-prefix=FIVE

@"vtable<A as Op>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<A as Op>::run" }, align 8, !type !0
@"vtable<B as Op>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<B as Op>::run" }, align 8, !type !0
@"vtable<C as Op>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<C as Op>::run" }, align 8, !type !0
@"vtable<D as Op>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<D as Op>::run" }, align 8, !type !0
@"vtable<E as Op>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<E as Op>::run" }, align 8, !type !0

declare void @drop(ptr)
declare i32 @"<A as Op>::run"(ptr, i32)
declare i32 @"<B as Op>::run"(ptr, i32)
declare i32 @"<C as Op>::run"(ptr, i32)
declare i32 @"<D as Op>::run"(ptr, i32)
declare i32 @"<E as Op>::run"(ptr, i32)

; CHECK-LABEL: define i32 @too_many(
; CHECK:         %m = load ptr, ptr %p, align 8, !invariant.load
; CHECK-NEXT:    %r = call i32 %m(ptr %data, i32 %x)
; REMARK: @too_many: devirt: not devirtualized: Op::run: 5 targets, more than --devirt-max-targets=4
; FIVE-LABEL: define i32 @too_many(
; FIVE-NOT:   call {{[a-z0-9 {},]*}} %
; FIVE-COUNT-5: call i32 @"<{{.}} as Op>::run"(ptr %data, i32 %x)
; FIVE-NOT:   call {{[a-z0-9 {},]*}} %
; FIVE-LABEL: define i32 @no_vtable(
define i32 @too_many(ptr %data, ptr %vt, i32 %x) {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %r = call i32 %m(ptr %data, i32 %x), !trc.vcall !2
  ret i32 %r
}

; CHECK-LABEL: define i32 @no_vtable(
; CHECK:         %r = call i32 %m(ptr %data)
; REMARK: @no_vtable: devirt: not devirtualized: Unused::go: no vtable of trait `Unused` in the module
define i32 @no_vtable(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %r = call i32 %m(ptr %data), !trc.vcall !3
  ret i32 %r
}

; CHECK-LABEL: define i32 @not_a_slot(
; CHECK:         %r = call i32 %fn(ptr %data, i32 1)
; REMARK: @not_a_slot: devirt: not devirtualized: Op::run: the callee is not a load from a vtable slot
define i32 @not_a_slot(ptr %data, ptr %fn) {
  %r = call i32 %fn(ptr %data, i32 1), !trc.vcall !2
  ret i32 %r
}

; The call's type does not match the function in the slot (a hand-written mistake).
; CHECK-LABEL: define i64 @wrong_type(
; CHECK:         %r = call i64 %m(ptr %data)
; REMARK: @wrong_type: devirt: not devirtualized: Op::run: `vtable<{{.}} as Op>` holds no function of the call's type at +24
define i64 @wrong_type(ptr %data) {
  %p = getelementptr inbounds i8, ptr @"vtable<A as Op>", i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %r = call i64 %m(ptr %data), !trc.vcall !2
  ret i64 %r
}

!0 = !{i64 0, !"Op"}
!1 = !{}
!2 = !{!"Op", !"run"}
!3 = !{!"Unused", !"go"}
