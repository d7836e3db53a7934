; Shows: the nounwind pass on hand-written IR. A function defined in the module unwinds only
; if one of its calls may: an indirect call, a declaration not marked `nounwind`, or a defined
; function that unwinds (followed through any number of calls). The others get `nounwind`,
; and an invoke of one becomes a call and a branch; an invoke of a callee that may unwind stays.
; RUN: %trc --passes=nounwind %s -o %t.ll
; RUN: FileCheck %s < %t.ll

declare void @panic()                 ; may unwind: no nounwind
declare void @puts_nounwind() nounwind
declare i32 @__gcc_personality_v0(...)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

; Arithmetic and an intrinsic: cannot unwind.
; CHECK: define i64 @leaf(i64 %x) #[[NOUNWIND:[0-9]+]]
define i64 @leaf(i64 %x) {
  %a = alloca [8 x i8]
  call void @llvm.memset.p0.i64(ptr %a, i8 0, i64 8, i1 false)
  %y = add i64 %x, 1
  ret i64 %y
}

; Calls only what cannot unwind: cannot unwind either.
; CHECK: define i64 @calls_leaf(i64 %x) #[[NOUNWIND]]
define i64 @calls_leaf(i64 %x) {
  call void @puts_nounwind()
  %y = call i64 @leaf(i64 %x)
  ret i64 %y
}

; Recursion that calls nothing that unwinds stays nounwind.
; CHECK: define i64 @recurse(i64 %n) #[[NOUNWIND]]
define i64 @recurse(i64 %n) {
  %z = icmp eq i64 %n, 0
  br i1 %z, label %done, label %more
more:
  %m = sub i64 %n, 1
  %r = call i64 @recurse(i64 %m)
  ret i64 %r
done:
  ret i64 0
}

; A panic two calls down: both callers may unwind.
; CHECK: define void @checks(i64 %x) {
define void @checks(i64 %x) {
  %big = icmp ugt i64 %x, 9
  br i1 %big, label %fail, label %ok
fail:
  call void @panic()
  unreachable
ok:
  ret void
}
; CHECK: define void @calls_checks(i64 %x) {
define void @calls_checks(i64 %x) {
  call void @checks(i64 %x)
  ret void
}

; An indirect call may unwind.
; CHECK: define void @indirect(ptr %f) {
define void @indirect(ptr %f) {
  call void %f()
  ret void
}

; The invoke of a nounwind callee becomes a call (its name, its result's uses kept) and a
; branch to the normal destination; the invoke of one that unwinds stays, and so the function
; unwinds.
; CHECK-LABEL: define i64 @caller(i64 %x) personality ptr @__gcc_personality_v0 {
; CHECK:         %r = call i64 @calls_leaf(i64 %x)
; CHECK-NEXT:    br label %ok
; CHECK:       ok:
; CHECK-NEXT:    invoke void @calls_checks(i64 %r)
; CHECK-NEXT:            to label %done unwind label %lp
; CHECK:       done:
; CHECK-NEXT:    ret i64 %r
define i64 @caller(i64 %x) personality ptr @__gcc_personality_v0 {
  %r = invoke i64 @calls_leaf(i64 %x) to label %ok unwind label %lp
ok:
  invoke void @calls_checks(i64 %r) to label %done unwind label %lp
done:
  ret i64 %r
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
}

; Only invokes of nounwind callees: the function cannot unwind, and its landing pad is left
; with no way in (LLVM drops such blocks before instruction selection).
; CHECK-LABEL: define i64 @only_safe(
; CHECK-SAME:    #[[NOUNWIND]] personality
; CHECK-NOT:     invoke
; CHECK:         %r = call i64 @leaf(i64 %x)
; CHECK-NEXT:    br label %ok
define i64 @only_safe(i64 %x) personality ptr @__gcc_personality_v0 {
  %r = invoke i64 @leaf(i64 %x) to label %ok unwind label %lp
ok:
  ret i64 %r
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
}

; CHECK: attributes #[[NOUNWIND]] = { nounwind }
