; What the cases of a devirtualized call compare. Vtables traced through another function's
; arguments: the function loaded from the slot (a constant vtable pointer, once inlining makes
; it one, folds every compare; `icmp eq` of two distinct `unnamed_addr` vtables does not).
; Vtables merged within the function, and vtables not traced at all: the vtable pointer (jump
; threading folds a phi's equal compares; an untraced pointer needs no slot load). Both for a
; compare chain and for virtual constant propagation's select.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err

@"vtable<A as Id>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<A as Id>::kind", ptr @"<A as Id>::log" }, align 8, !type !0
@"vtable<B as Id>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<B as Id>::kind", ptr @"<B as Id>::log" }, align 8, !type !0

declare void @drop(ptr)
declare void @"<A as Id>::log"(ptr)
declare void @"<B as Id>::log"(ptr)
define internal i8 @"<A as Id>::kind"(ptr %0) {
  ret i8 1
}
define internal i8 @"<B as Id>::kind"(ptr %0) {
  ret i8 2
}

; CHECK-LABEL: define internal i8 @kind_of(
; CHECK-NEXT:    %p = getelementptr inbounds i8, ptr %vt, i64 24
; CHECK-NEXT:    %m = load ptr, ptr %p
; CHECK-NEXT:    %[[IS:.*]] = icmp eq ptr %m, @"<{{A|B}} as Id>::kind"
; CHECK-NEXT:    %devirt.const = select i1 %[[IS]], i8 {{1|2}}, i8 {{1|2}}
; CHECK-NEXT:    ret i8 %devirt.const
; REMARK: @kind_of: devirt: virtual constant propagation: {{.*}} (2 cases)
define internal i8 @kind_of(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %c = call i8 %m(ptr %data), !trc.vcall !2
  ret i8 %c
}

; CHECK-LABEL: define internal void @log_of(
; CHECK:         %m = load ptr, ptr %p
; CHECK-NEXT:    %[[IS:.*]] = icmp eq ptr %m, @"<{{A|B}} as Id>::log"
; CHECK-NEXT:    br i1 %[[IS]]
; REMARK: @log_of: devirt: known vtable: {{.*}} (2 cases)
define internal void @log_of(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 32
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  call void %m(ptr %data), !trc.vcall !3
  ret void
}

define i8 @callers(ptr %x) {
  %a = call i8 @kind_of(ptr %x, ptr @"vtable<A as Id>")
  %b = call i8 @kind_of(ptr %x, ptr @"vtable<B as Id>")
  call void @log_of(ptr %x, ptr @"vtable<A as Id>")
  call void @log_of(ptr %x, ptr @"vtable<B as Id>")
  %s = add i8 %a, %b
  ret i8 %s
}

; A `match` choosing the vtable within the function, spilled as trc does at -O0.
; CHECK-LABEL: define i8 @chosen_here(
; CHECK:         %vt = load ptr, ptr %slot
; CHECK-NEXT:    %[[IS:.*]] = icmp eq ptr %vt, @"vtable<{{A|B}} as Id>"
; CHECK-NEXT:    %devirt.const = select i1 %[[IS]], i8 {{1|2}}, i8 {{1|2}}
; REMARK: @chosen_here: devirt: virtual constant propagation: {{.*}} (2 cases)
define i8 @chosen_here(ptr %data, i1 %c) {
entry:
  %slot = alloca ptr, align 8
  br i1 %c, label %a, label %b
a:
  store ptr @"vtable<A as Id>", ptr %slot, align 8
  br label %join
b:
  store ptr @"vtable<B as Id>", ptr %slot, align 8
  br label %join
join:
  %vt = load ptr, ptr %slot, align 8
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %r = call i8 %m(ptr %data), !trc.vcall !2
  ret i8 %r
}

; Not traced: the vtable pointer is compared.
; CHECK-LABEL: define i8 @unknown(
; CHECK-NEXT:    %[[IS:.*]] = icmp eq ptr %vt, @"vtable<{{A|B}} as Id>"
; CHECK-NEXT:    %devirt.const = select i1 %[[IS]], i8 {{1|2}}, i8 {{1|2}}
; REMARK: @unknown: devirt: virtual constant propagation: {{.*}} (2 cases)
define i8 @unknown(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %r = call i8 %m(ptr %data), !trc.vcall !2
  ret i8 %r
}

!0 = !{i64 0, !"Id"}
!1 = !{}
!2 = !{!"Id", !"kind"}
!3 = !{!"Id", !"log"}
