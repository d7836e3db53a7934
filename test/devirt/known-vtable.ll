; Known vtable: when the vtable pointer reaching a dyn call is a constant, a phi or select of
; constants, an upcast load from a known vtable's TraitVPtr slot, or what every caller of an
; internal function passes, the indirect call becomes a direct call or a compare chain of
; direct calls; an invoke stays an invoke with the same landing pad.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err

@"vtable<A as Sub>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<A as First>::first", ptr @"<A as Second>::second", ptr @"vtable<A as Second>", ptr @"<A as Sub>::sub" }, align 8, !type !0
@"vtable<A as Second>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<A as Second>::second" }, align 8, !type !1
@"vtable<B as Sub>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<B as First>::first", ptr @"<B as Second>::second", ptr @"vtable<B as Second>", ptr @"<B as Sub>::sub" }, align 8, !type !0
@"vtable<B as Second>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<B as Second>::second" }, align 8, !type !1
@"vtable<C as Sub>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<C as First>::first", ptr @"<C as Second>::second", ptr @"vtable<C as Second>", ptr @"<C as Sub>::sub" }, align 8, !type !0
@"vtable<C as Second>" = private unnamed_addr constant { ptr, i64, i64, ptr } { ptr @drop, i64 0, i64 1, ptr @"<C as Second>::second" }, align 8, !type !1

declare void @drop(ptr)
declare void @"<A as First>::first"(ptr)
declare void @"<B as First>::first"(ptr)
declare void @"<C as First>::first"(ptr)
declare void @"<A as Second>::second"(ptr)
declare void @"<B as Second>::second"(ptr)
declare void @"<C as Second>::second"(ptr)
declare i32 @"<A as Sub>::sub"(ptr, i32)
declare i32 @"<B as Sub>::sub"(ptr, i32)
declare i32 @"<C as Sub>::sub"(ptr, i32)
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define i32 @constant(
; CHECK-NOT:     call {{[a-z0-9 {},]*}} %
; CHECK:         %r = call i32 @"<B as Sub>::sub"(ptr %data, i32 1)
; CHECK-NEXT:    ret i32 %r
; REMARK: @constant: devirt: known vtable: <B as Sub>::sub
define i32 @constant(ptr %data) {
  %fat0 = insertvalue { ptr, ptr } undef, ptr %data, 0
  %fat = insertvalue { ptr, ptr } %fat0, ptr @"vtable<B as Sub>", 1
  %vt = extractvalue { ptr, ptr } %fat, 1
  %p = getelementptr inbounds i8, ptr %vt, i64 48
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  %r = call i32 %m(ptr %data, i32 1), !trc.vcall !3
  ret i32 %r
}

; A phi of two constants: two cases, the second without a compare.
; CHECK-LABEL: define i32 @phi(
; CHECK:         %vt = phi ptr [ @"vtable<A as Sub>", %a ], [ @"vtable<C as Sub>", %c ]
; CHECK-NEXT:    %[[IS:.*]] = icmp eq ptr %vt, @"vtable<{{(A|C)}} as Sub>"
; CHECK-NEXT:    br i1 %[[IS]], label %[[CASE:.*]], label %[[LAST:.*]]
; CHECK:       [[CASE]]:
; CHECK-NEXT:    %[[R1:.*]] = call i32 @"<{{(A|C)}} as Sub>::sub"(ptr %data, i32 %x)
; CHECK-NEXT:    br label %[[JOIN:.*]]
; CHECK:       [[LAST]]:
; CHECK-NEXT:    %[[R2:.*]] = call i32 @"<{{(A|C)}} as Sub>::sub"(ptr %data, i32 %x)
; CHECK-NEXT:    br label %[[JOIN]]
; CHECK:       [[JOIN]]:
; CHECK-NEXT:    %devirt.ret = phi i32 [ %[[R1]], %[[CASE]] ], [ %[[R2]], %[[LAST]] ]
; CHECK-NEXT:    %y = add i32 %devirt.ret, 1
; CHECK-NEXT:    ret i32 %y
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK-LABEL: define void @select(
; REMARK: @phi: devirt: known vtable: <{{(A|C)}} as Sub>::sub, <{{(A|C)}} as Sub>::sub (2 cases)
define i32 @phi(i1 %c0, ptr %data, i32 %x) {
entry:
  br i1 %c0, label %a, label %c
a:
  br label %join
c:
  br label %join
join:
  %vt = phi ptr [ @"vtable<A as Sub>", %a ], [ @"vtable<C as Sub>", %c ]
  %p = getelementptr inbounds i8, ptr %vt, i64 48
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  %r = call i32 %m(ptr %data, i32 %x), !trc.vcall !3
  %y = add i32 %r, 1
  ret i32 %y
}

; A select of two constants: two direct calls.
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK:         call void @"<{{(A|B)}} as Second>::second"(ptr %data)
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK:         call void @"<{{(A|B)}} as Second>::second"(ptr %data)
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK-LABEL: define void @upcast(
; REMARK: @select: devirt: known vtable: <{{(A|B)}} as Second>::second, <{{(A|B)}} as Second>::second (2 cases)
define void @select(i1 %c0, ptr %data) {
  %vt = select i1 %c0, ptr @"vtable<A as Second>", ptr @"vtable<B as Second>"
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  call void %m(ptr %data), !trc.vcall !4
  ret void
}

; An upcast to the second supertrait loads its vtable from slot +40 of a known vtable.
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK:         call void @"<C as Second>::second"(ptr %data)
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK-LABEL: define internal void @callee(
; REMARK: @upcast: devirt: known vtable: <C as Second>::second
define void @upcast(ptr %data) {
  %vp = getelementptr inbounds i8, ptr @"vtable<C as Sub>", i64 40
  %vt = load ptr, ptr %vp, align 8, !invariant.load !2
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  call void %m(ptr %data), !trc.vcall !4
  ret void
}

; An internal function called only directly: its vtable argument is what the callers pass,
; here through an alloca the way trc spills a fat pointer at -O0. The call is an invoke: each
; case invokes its target with the original landing pad. The cases compare the function in
; the slot, which folds once inlining makes the vtable pointer a constant.
; CHECK:         %[[IS:.*]] = icmp eq ptr %m, @"<{{(A|B)}} as First>::first"
; CHECK-NEXT:    br i1 %[[IS]]
; CHECK:         invoke void @"<{{(A|B)}} as First>::first"(ptr %data)
; CHECK-NEXT:      to label %[[JOIN:.*]] unwind label %lp
; CHECK:         invoke void @"<{{(A|B)}} as First>::first"(ptr %data)
; CHECK-NEXT:      to label %[[JOIN]] unwind label %lp
; CHECK:       [[JOIN]]:
; CHECK-NEXT:    br label %cont
; CHECK-NOT:   invoke {{[a-z0-9 {},]*}} %
; CHECK-LABEL: define void @caller(
; REMARK: @callee: devirt: known vtable: <{{(A|B)}} as First>::first, <{{(A|B)}} as First>::first (2 cases)
define internal void @callee(ptr %0, ptr %1) personality ptr @__gxx_personality_v0 {
start:
  %obj = alloca { ptr, ptr }, align 8
  %f0 = insertvalue { ptr, ptr } undef, ptr %0, 0
  %f1 = insertvalue { ptr, ptr } %f0, ptr %1, 1
  store { ptr, ptr } %f1, ptr %obj, align 8
  %fat = load { ptr, ptr }, ptr %obj, align 8
  %data = extractvalue { ptr, ptr } %fat, 0
  %vtable = extractvalue { ptr, ptr } %fat, 1
  %p = getelementptr inbounds i8, ptr %vtable, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !2
  invoke void %m(ptr %data)
          to label %cont unwind label %lp, !trc.vcall !5
cont:
  ret void
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
}

define void @caller(ptr %x) {
  call void @callee(ptr %x, ptr @"vtable<A as Sub>")
  call void @callee(ptr %x, ptr @"vtable<B as Sub>")
  ret void
}

!trc.prefix = !{!6}
!0 = !{i64 0, !"Sub"}
!1 = !{i64 0, !"Second"}
!2 = !{}
!3 = !{!"Sub", !"sub"}
!4 = !{!"Second", !"second"}
!5 = !{!"First", !"first"}
!6 = !{!"Sub", !"First"}
