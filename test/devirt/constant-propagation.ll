; Virtual constant propagation: when every target of a slot only returns a constant, the call
; becomes that constant (all the same), or a select on the vtable pointer among the per-vtable
; constants; a call to a function with effects is left for the other transformations.
; RUN: %trc --passes=devirt %s --remarks=devirt -o %t.ll 2> %t.err
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=REMARK < %t.err

@"vtable<A as Id>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<A as Id>::id", ptr @"<A as Id>::kind", ptr @"<A as Id>::log" }, align 8, !type !0
@"vtable<B as Id>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<B as Id>::id", ptr @"<B as Id>::kind", ptr @"<B as Id>::log" }, align 8, !type !0
@"vtable<C as Id>" = private unnamed_addr constant { ptr, i64, i64, ptr, ptr, ptr } { ptr @drop, i64 0, i64 1, ptr @"<C as Id>::id", ptr @"<C as Id>::kind", ptr @"<C as Id>::log" }, align 8, !type !0
@more = global ptr @"vtable<C as Id>"
@counter = global i32 0

declare void @drop(ptr)
declare i32 @__gxx_personality_v0(...)

; `fn id(&self) -> u32 { 7 }` in every impl, as trc emits it at -O0 (the self spill stays).
define internal i32 @"<A as Id>::id"(ptr %0) {
start:
  %self = alloca ptr, align 8
  store ptr %0, ptr %self, align 8
  ret i32 7
}
define internal i32 @"<B as Id>::id"(ptr %0) {
  ret i32 7
}
define internal i32 @"<C as Id>::id"(ptr %0) {
start:
  br label %end
end:
  ret i32 7
}
; A different constant per impl (A and C agree).
define internal i8 @"<A as Id>::kind"(ptr %0) {
  ret i8 1
}
define internal i8 @"<B as Id>::kind"(ptr %0) {
  ret i8 2
}
define internal i8 @"<C as Id>::kind"(ptr %0) {
  ret i8 1
}
; Returns a constant but has an effect: not a constant call.
define internal i32 @"<A as Id>::log"(ptr %0) {
  store i32 1, ptr @counter
  ret i32 0
}
define internal i32 @"<B as Id>::log"(ptr %0) {
  ret i32 0
}
define internal i32 @"<C as Id>::log"(ptr %0) {
  ret i32 0
}

; CHECK-LABEL: define i32 @id(
; CHECK-NEXT:    %r = add i32 7, 1
; CHECK-NEXT:    ret i32 %r
; REMARK: @id: devirt: virtual constant propagation: <{{.}} as Id>::id = i32 7, <{{.}} as Id>::id = i32 7, <{{.}} as Id>::id = i32 7
define i32 @id(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %c = call i32 %m(ptr %data), !trc.vcall !2
  %r = add i32 %c, 1
  ret i32 %r
}

; Two constants: one compare (the larger group, A and C, referenced most, comes first).
; CHECK-LABEL: define i8 @kind(
; CHECK-NEXT:    %[[A:.*]] = icmp eq ptr %vt, @"vtable<C as Id>"
; CHECK-NEXT:    %[[B:.*]] = icmp eq ptr %vt, @"vtable<A as Id>"
; CHECK-NEXT:    %[[OR:.*]] = or i1 %[[A]], %[[B]]
; CHECK-NEXT:    %devirt.const = select i1 %[[OR]], i8 1, i8 2
; CHECK-NEXT:    ret i8 %devirt.const
; REMARK: @kind: devirt: virtual constant propagation: {{.*}}<B as Id>::kind = i8 2{{.*}} (2 cases)
define i8 @kind(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 32
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %c = call i8 %m(ptr %data), !trc.vcall !3
  ret i8 %c
}

; An invoke of constants becomes a branch to the normal destination.
; CHECK-LABEL: define i32 @id_invoke(
; CHECK-NEXT:    br label %ok
; CHECK:       ok:
; CHECK-NEXT:    ret i32 7
define i32 @id_invoke(ptr %data, ptr %vt) personality ptr @__gxx_personality_v0 {
  %p = getelementptr inbounds i8, ptr %vt, i64 24
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %c = invoke i32 %m(ptr %data) to label %ok unwind label %lp, !trc.vcall !2
ok:
  ret i32 %c
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
}

; CHECK-LABEL: define i32 @log(
; CHECK-NOT:   call {{[a-z0-9 {},]*}} %
; CHECK:         call i32 @"<C as Id>::log"
; REMARK: @log: devirt: closed-world switch:
define i32 @log(ptr %data, ptr %vt) {
  %p = getelementptr inbounds i8, ptr %vt, i64 40
  %m = load ptr, ptr %p, align 8, !invariant.load !1
  %c = call i32 %m(ptr %data), !trc.vcall !4
  ret i32 %c
}

!0 = !{i64 0, !"Id"}
!1 = !{}
!2 = !{!"Id", !"id"}
!3 = !{!"Id", !"kind"}
!4 = !{!"Id", !"log"}
