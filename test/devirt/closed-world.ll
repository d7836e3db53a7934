; Closed-world switch: the vtable pointer is unknown and three vtables serve `Shape`, no more
; than --devirt-max-targets (4 by default): compare the pointer with each vtable, most
; referenced first, and call each target directly; the last case has no compare and there is
; no indirect fallback. An invoke becomes one invoke per case, to the same landing pad.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err
; With a limit of 2 the calls stay indirect.
; RUN: %trc --passes=devirt --devirt-max-targets=2 --remarks=devirt %s 2>&1 >/dev/null | FileCheck %s --check-prefix=LIMIT

@"vtable<Sq as Shape>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<Sq as Shape>::area" }, align 8, !type !0
@"vtable<Ci as Shape>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<Ci as Shape>::area" }, align 8, !type !0
@"vtable<Tr as Shape>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 8, i64 8, ptr @"<Tr as Shape>::area" }, align 8, !type !0

; The static evidence: Ci is referenced three times, Tr twice, Sq once (its definition aside).
@uses = global [6 x ptr] [ptr @"vtable<Ci as Shape>", ptr @"vtable<Ci as Shape>", ptr @"vtable<Ci as Shape>", ptr @"vtable<Tr as Shape>", ptr @"vtable<Tr as Shape>", ptr @"vtable<Sq as Shape>"]

declare void @drop(ptr)
declare double @"<Sq as Shape>::area"(ptr)
declare double @"<Ci as Shape>::area"(ptr)
declare double @"<Tr as Shape>::area"(ptr)
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define double @area(
; CHECK:         %[[IS1:.*]] = icmp eq ptr %vt, @"vtable<Ci as Shape>"
; CHECK-NEXT:    br i1 %[[IS1]], label %[[C1:.*]], label %[[N1:.*]]
; CHECK:       [[C1]]:
; CHECK-NEXT:    %[[R1:.*]] = call double @"<Ci as Shape>::area"(ptr %data)
; CHECK-NEXT:    br label %[[JOIN:.*]]
; CHECK:       [[N1]]:
; CHECK-NEXT:    %[[IS2:.*]] = icmp eq ptr %vt, @"vtable<Tr as Shape>"
; CHECK-NEXT:    br i1 %[[IS2]], label %[[C2:.*]], label %[[LAST:.*]]
; CHECK:       [[C2]]:
; CHECK-NEXT:    %[[R2:.*]] = call double @"<Tr as Shape>::area"(ptr %data)
; CHECK-NEXT:    br label %[[JOIN]]
; CHECK:       [[LAST]]:
; CHECK-NEXT:    %[[R3:.*]] = call double @"<Sq as Shape>::area"(ptr %data)
; CHECK-NEXT:    br label %[[JOIN]]
; CHECK:       [[JOIN]]:
; CHECK-NEXT:    %devirt.ret = phi double [ %[[R1]], %[[C1]] ], [ %[[R2]], %[[C2]] ], [ %[[R3]], %[[LAST]] ]
; CHECK-NEXT:    %twice = fmul double %devirt.ret, 2.0
; CHECK-NEXT:    br i1 %c, label %a, label %b
; The successors' phis now come from the join block.
; CHECK:       b:
; CHECK-NEXT:    %m2 = phi double [ %twice, %[[JOIN]] ], [ 0.0{{.*}}, %a ]
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK-LABEL: define double @area_invoke(
; REMARK: @area: devirt: closed-world switch: <Ci as Shape>::area, <Tr as Shape>::area, <Sq as Shape>::area (3 cases)
; LIMIT: @area: devirt: not devirtualized: Shape::area: 3 targets, more than --devirt-max-targets=2
define double @area(ptr %data, ptr %vt, i1 %c) {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  %r = call double %m(ptr %data), !trc.vcall !3
  %twice = fmul double %r, 2.0
  br i1 %c, label %a, label %b
a:
  br label %b
b:
  %m2 = phi double [ %twice, %0 ], [ 0.0, %a ]
  ret double %m2
}

; CHECK:         invoke double @"<Ci as Shape>::area"(ptr %data)
; CHECK-NEXT:      to label %[[JOIN:.*]] unwind label %lp
; CHECK:         invoke double @"<Tr as Shape>::area"(ptr %data)
; CHECK-NEXT:      to label %[[JOIN]] unwind label %lp
; CHECK:         invoke double @"<Sq as Shape>::area"(ptr %data)
; CHECK-NEXT:      to label %[[JOIN]] unwind label %lp
; CHECK:       [[JOIN]]:
; CHECK-NEXT:    %devirt.ret = phi double
; CHECK-NEXT:    br label %ok
; CHECK:       ok:
; CHECK-NEXT:    %v = phi double [ %devirt.ret, %[[JOIN]] ]
; CHECK-NOT:   invoke {{[a-z0-9 {},]*}} %
; REMARK: @area_invoke: devirt: closed-world switch: <Ci as Shape>::area, <Tr as Shape>::area, <Sq as Shape>::area (3 cases)
; LIMIT: @area_invoke: devirt: not devirtualized: Shape::area: 3 targets, more than --devirt-max-targets=2
define double @area_invoke(ptr %data, ptr %vt) personality ptr @__gxx_personality_v0 {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  %r = invoke double %m(ptr %data) to label %ok unwind label %lp, !trc.vcall !3
ok:
  %v = phi double [ %r, %0 ]
  ret double %v
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
}

!0 = !{i64 0, !"Shape"}
!2 = !{}
!3 = !{!"Shape", !"area"}
