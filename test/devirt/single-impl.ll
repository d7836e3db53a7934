; Single implementation: the vtable pointer is unknown (an argument of an external function),
; but the module is the whole program and only one vtable serves `Shape` (with `!type`, or as a
; prefix of `Solid` through `!trc.prefix`), so the call is direct.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err

@"vtable<Cube as Solid>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr } { ptr @drop, i64 8, i64 8, ptr @"<Cube as Shape>::area", ptr @"<Cube as Solid>::volume" }, align 8, !type !0

declare void @drop(ptr)
declare double @"<Cube as Shape>::area"(ptr)
declare double @"<Cube as Solid>::volume"(ptr)
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define double @area(
; CHECK-NOT:     call {{[a-z0-9 {},]*}} %
; CHECK:         %r = call double @"<Cube as Shape>::area"(ptr %data)
; CHECK-NOT:     call {{[a-z0-9 {},]*}} %
; CHECK:         ret double %r
; REMARK: @area: devirt: single implementation: <Cube as Shape>::area
define double @area(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  %r = call double %m(ptr %data), !trc.vcall !3
  ret double %r
}

; An invoke keeps its unwind edge: only the callee changes.
; CHECK-LABEL: define double @volume(
; CHECK:         %r = invoke double @"<Cube as Solid>::volume"(ptr %data)
; CHECK-NEXT:            to label %ok unwind label %lp
; REMARK: @volume: devirt: single implementation: <Cube as Solid>::volume
define double @volume(ptr %data, ptr %vt) personality ptr @__gxx_personality_v0 {
  %p = getelementptr inbounds i8, ptr %vt, i64 32
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  %r = invoke double %m(ptr %data) to label %ok unwind label %lp, !trc.vcall !4
ok:
  ret double %r
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
}

!trc.prefix = !{!5}
!0 = !{i64 0, !"Solid"}
!2 = !{}
!3 = !{!"Shape", !"area"}
!4 = !{!"Solid", !"volume"}
!5 = !{!"Solid", !"Shape"}
