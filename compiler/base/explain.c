// explain.c — `trc --explain CODE`: what each error code trc emits means, for this language.
//
// The texts are written for trc's subset of Rust. The trait-object codes carry the reasoning of
// the seed articles: what a vtable and a fat pointer can and cannot represent. A lit test checks
// that every code used in compiler/*.c has an entry here.
#include "base/base.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *code;
  const char *text;
} Explanation;

static const Explanation explanations[] = {
  {"E0038",
    "A trait is used as a trait object (`dyn Tr`) but is not dyn compatible.\n"
    "\n"
    "A `&dyn Tr` is two pointers: the value, and a vtable holding one function pointer per\n"
    "method, filled in once per (type, trait) when the program is compiled. Every method must\n"
    "therefore be callable with nothing but that pointer pair:\n"
    "\n"
    "  - A method without `self` (`fn new() -> Self;`, `fn foo();`) has no receiver, so there is no\n"
    "    vtable to find it in.\n"
    "  - A method returning `Self` (`fn cl(&self) -> Self;`) or taking `Self` by value as a\n"
    "    parameter cannot be called: the caller does not know the concrete type or its size.\n"
    "  - A generic method (`fn f<T>(&self, t: T)`, or `fn f(&self, g: impl Fn())`) would need one\n"
    "    vtable slot per instantiation, and the set of instantiations is not known when the vtable\n"
    "    is built.\n"
    "  - `trait Foo: Sized` opts the whole trait out: `dyn Foo` is never Sized.\n"
    "  - An associated const has no place in a vtable.\n"
    "\n"
    "Example:\n"
    "\n"
    "    trait Shape { fn new() -> Self; fn area(&self) -> f64; }\n"
    "    fn total(s: &dyn Shape) -> f64 { s.area() }   // error[E0038]\n"
    "\n"
    "Fix: move the offending item to another trait, or add `where Self: Sized` to it, which keeps\n"
    "the method out of the vtable (callable on concrete types and in generic code only):\n"
    "\n"
    "    trait Shape { fn new() -> Self where Self: Sized; fn area(&self) -> f64; }\n"
    "\n"},
  {"E0033",
    "A `&` pattern dereferences a reference to a trait object: `let &x: &dyn Tr = &v;`.\n"
    "\n"
    "The pattern would move the `dyn Tr` value out of the reference into `x`, but a trait object\n"
    "has no size known at compile time (only its vtable knows it), so it cannot be a local.\n"
    "Bind the reference instead: `let x: &dyn Tr = &v;`.\n"
    "\n"},
  {"E0034",
    "Two traits give the type a method (or associated function) of the name called, and the type\n"
    "has no inherent one: `h.fly()` where both `Pilot` and `Wizard` are implemented for `Human`.\n"
    "\n"
    "Method lookup finds both at the same step (a trait object's trait and its supertrait count as\n"
    "two), and nothing says which impl to call. Name the trait: `Pilot::fly(&h)`, or with the\n"
    "fully qualified form `<Human as Wizard>::fly(&h)`.\n"
    "\n"},
  {"E0040",
    "`Drop::drop` is called explicitly.\n"
    "\n"
    "The compiler calls it when the value goes out of scope; calling it yourself would run it twice.\n"
    "Use `drop(x)` (std::mem::drop), which takes the value by move so nothing is left to drop.\n"
    "\n"},
  {"E0046",
    "An impl of a trait leaves out a required method or associated type. Every method without a default body, and every `type Item;`, must be given in the impl.\n"
    "\n"},
  {"E0050",
    "A method in an impl has a different number of parameters than the trait declares.\n"
    "\n"},
  {"E0053",
    "A method in an impl has a different signature than the trait declares (a parameter or return type differs).\n"
    "\n"},
  {"E0054",
    "A number is cast to `bool` with `as`; no number converts to a bool that way.\n"
    "\n"
    "Compare it with zero instead: `x != 0`.\n"},
  {"E0061",
    "A function or method is called with the wrong number of arguments.\n"
    "\n"},
  {"E0062",
    "A struct literal names the same field twice.\n"
    "\n"},
  {"E0063",
    "A struct literal leaves out a field; every field must be given.\n"
    "\n"},
  {"E0069",
    "`return;` is used in a function whose return type is not `()`.\n"
    "\n"},
  {"E0070",
    "The left-hand side of an assignment is not a place (a variable, field, index or `*p`).\n"
    "\n"},
  {"E0107",
    "A generic type gets the wrong number of type arguments (`Vec` needs one, `String` none).\n"
    "\n"},
  {"E0109",
    "Type arguments are given to a primitive type (`i32<u8>`).\n"
    "\n"},
  {"E0116",
    "An inherent `impl` (one without a trait) is written for a type another crate defines, like\n"
    "`impl Vec<i32> { ... }`. Only the crate that defines a type may add inherent methods to it;\n"
    "define a trait with the methods and implement it for the type, or wrap the type in a struct of\n"
    "your own (`struct Scores(Vec<i32>);`).\n"
    "\n"},
  {"E0117",
    "The orphan rule: an impl of a trait from another crate (here, std) needs a type of this\n"
    "program in its header, as the self type or a trait argument (`impl Display for Point`, `impl\n"
    "From<Point> for String`). `impl Clone for (u8, Box<i32>)` has none, so another crate could write\n"
    "the same impl and the two would conflict. Wrap the type in a local struct.\n"
    "\n"},
  {"E0703",
    "The string of `extern \"ABI\"` names no calling convention; trc knows \"C\" (and \"system\",\n"
    "\"sysv64\", which are C's here) and \"Rust\".\n"
    "\n"},
  {"E0044",
    "A function of an `extern` block is a C function, compiled once elsewhere: it cannot have\n"
    "type parameters. Declare one function per concrete type.\n"
    "\n"},
  {"E0512",
    "`std::mem::transmute` reinterprets a value's bytes as another type, so both types must have\n"
    "the same size; the sizes of the two types here differ (the note says each one's bits).\n"
    "\n"},
  {"E0133",
    "Something only unsafe code may do is done outside an `unsafe` block or `unsafe fn`: reading\n"
    "or writing through a raw pointer (`*p`), calling an `unsafe fn` (a C function of an\n"
    "`extern` block, `ptr::read`, `p.add(1)`, `Box::from_raw`, a call through an `unsafe fn`\n"
    "pointer), or using a `static mut`. The compiler cannot check these; the `unsafe` block is\n"
    "where the program promises the pointer is valid and nothing else uses the static at once.\n"
    "Wrap the operation: `unsafe { *p }`. Taking a static's address (`&raw const S`) is safe.\n"
    "\n"},
  {"E0119",
    "Two impls of the same trait for the same type conflict; method calls could not choose.\n"
    "\n"},
  {"E0120",
    "`Drop` is implemented for something that is not a struct of this program.\n"
    "\n"},
  {"E0121",
    "`_` is used as a type in a function signature; signatures must be written out.\n"
    "\n"},
  {"E0124",
    "A struct declares the same field twice.\n"
    "\n"},
  {"E0161",
    "A method taking `self` by value is called through a trait object.\n"
    "\n"
    "Calling it would move the value out of the fat pointer onto the stack, and `dyn Tr` has no\n"
    "size known at compile time. The trait stays dyn compatible — its other methods work — but this\n"
    "one can only be called on concrete types. Take `self: Box<Self>` instead to consume a\n"
    "`Box<dyn Tr>`.\n"
    "\n"},
  {"E0184",
    "A type is both `Copy` and has a `Drop` impl. A Copy value is duplicated bit for bit by every\n"
    "assignment and call, so its destructor would run once per copy; Rust forbids the combination.\n"
    "Remove `Copy` (keep `Clone`) or the `Drop` impl.\n"
    "\n"},
  {"E0185",
    "An impl's method has a `self` parameter but the trait's declaration does not.\n"
    "\n"},
  {"E0186",
    "The trait's method has a `self` parameter but the impl's method does not.\n"
    "\n"},
  {"E0191",
    "A trait object of a trait with an associated type does not say what the type is.\n"
    "\n"
    "The vtable of `dyn Iterator` would contain `next(&mut self) -> Option<Self::Item>`, and a\n"
    "function pointer's signature cannot be left open: the type must be fixed at the dyn site.\n"
    "\n"
    "    trait Foo { type Fooz; fn get(&self) -> Self::Fooz; }\n"
    "    let foo: Box<dyn Foo>;               // error[E0191]\n"
    "    let foo: Box<dyn Foo<Fooz = u32>>;   // ok\n"
    "\n"},
  {"E0204",
    "A type is made Copy (`#[derive(Clone, Copy)]` or `impl Copy for S {}`) but one of its fields\n"
    "is not Copy, like a `String` or a `Vec`: copying the struct bit for bit would copy the field's\n"
    "heap pointer too. Derive only Clone, or make the field Copy (`&'static str`, an index).\n"
    "\n"},
  {"E0210",
    "An impl of a std trait for a bare type parameter, `impl<T> Display for T`, would cover every\n"
    "type of every crate. The parameter must appear inside a type of this program before it is\n"
    "used bare: `impl<T> Display for Wrapper<T>`.\n"
    "\n"},
  {"E0220",
    "An associated type is named (`T::Item`) that no trait bound of `T` declares.\n"
    "\n"},
  {"E0224",
    "A trait object type lists only auto traits or lifetimes; it needs one trait with methods.\n"
    "\n"},
  {"E0225",
    "A trait object names two traits that are not auto traits: `dyn A + B`.\n"
    "\n"
    "A fat pointer has room for exactly one vtable pointer. Auto traits (`Send`, `Sync`) have no\n"
    "methods and need no vtable, so `dyn A + Send` is fine; `dyn A + B` would need two vtables.\n"
    "\n"
    "Fix: make a trait that has both as supertraits — its one vtable holds both sets of methods:\n"
    "\n"
    "    trait AB: A + B {}\n"
    "    impl<T: A + B> AB for T {}\n"
    "    fn f(x: &dyn AB) {}\n"
    "\n"},
  {"E0268",
    "`break` or `continue` is used outside of a loop.\n"
    "\n"},
  {"E0271",
    "A bound fixes an associated type (`T: Tr<Item = u32>`) but the impl for that type sets it to something else.\n"
    "\n"},
  {"E0275",
    "Proving a trait bound needed itself again and again until the recursion limit (128): for\n"
    "`W<W<...<i32>...>>: Tr` with `impl<T: Tr> Tr for W<T>`, each level asks the next. Use less\n"
    "deeply nested types, or a trait object (`Box<dyn Tr>`) where the depth is not known.\n"
    "\n"},
  {"E0277",
    "A trait bound is not satisfied: a type does not implement a trait it must implement,\n"
    "or a value has no size known at compile time.\n"
    "\n"
    "`dyn Tr` by value is the common case in this language: a trait object can be any type, so it\n"
    "has no fixed size, and locals, parameters, fields, `Vec` elements and return values need one.\n"
    "Put it behind a pointer, which has a size (16 bytes: data pointer and vtable pointer):\n"
    "\n"
    "    fn bar(foo: dyn Foo) {}          // error[E0277]\n"
    "    fn bar(foo: &dyn Foo) {}         // ok\n"
    "    fn bar(foo: Box<dyn Foo>) {}     // ok, owned\n"
    "\n"
    "The other case: a generic function's bound, or a coercion to `&dyn Tr`, needs an impl that does\n"
    "not exist (`draw(&5)` where `i32` does not implement `Drawable`). Add the impl, or pass a type\n"
    "that has one.\n"
    "\n"},
  {"E0282",
    "A type cannot be inferred (`let v = Vec::new();` never used with a type); add an annotation.\n"
    "\n"},
  {"E0283",
    "A type cannot be inferred, and a trait bound on it cannot be met by any one type\n"
    "(`let v = it.collect();`: `_: FromIterator<i32>`); name the type (`let v: Vec<_> = ..`).\n"
    "\n"},
  {"E0284",
    "A type cannot be inferred, and an associated type of a bound on it is waited on\n"
    "(`let x = \"5\".parse().unwrap();`: `<_ as FromStr>::Err`); name the type (`parse::<i32>()`).\n"
    "\n"},
  {"E0308",
    "A value has a different type than the one expected at this place (annotation, argument, return value, branch of an `if`).\n"
    "\n"},
  {"E0317",
    "An `if` without `else` is used where a value of a type other than `()` is expected.\n"
    "\n"},
  {"E0364",
    "A `use` re-exports a function, constant or unit/tuple struct with a wider visibility than the\n"
    "item's own (`pub use m::f;` of a `pub(crate) fn f`). Make the item as visible as the `use`,\n"
    "or the `use` no more visible than the item.\n"
    "\n"},
  {"E0365",
    "A `use` re-exports a type, trait or module with a wider visibility than its own (`pub use\n"
    "m::S;` of a `pub(crate) struct S { .. }`). Make it as visible as the `use`, or the `use` no\n"
    "more visible than it.\n"
    "\n"},
  {"E0368",
    "A compound assignment (`+=`, ...) is used on a type that does not support it.\n"
    "\n"
    "`a += b` calls `AddAssign::add_assign(&mut a, b)` when a is not a number: implement\n"
    "`std::ops::AddAssign` (and `SubAssign`, ...) for the type to support it.\n"},
  {"E0369",
    "A binary operator is used on a type that does not support it (for example `+` on a struct).\n"
    "\n"
    "`a + b` on a type that is not a number calls `Add::add(a, b)`: implement `std::ops::Add`\n"
    "for the type, or bound a type parameter by it (`T: Add<Output = T>`). Comparisons need\n"
    "`PartialEq` or `PartialOrd` (`#[derive(PartialEq, PartialOrd)]`). `&str + &str` is not\n"
    "defined: the left operand must be an owned `String` (`s.to_owned() + t`).\n"},
  {"E0382",
    "A value is used after it was moved.\n"
    "\n"
    "A non-Copy value (a `Box`, a `String`, a struct holding one) has one owner; passing it by value,\n"
    "assigning it to another binding or pushing it into a `Vec` moves it, and the old binding can no\n"
    "longer be used. A move on one branch of an `if`, or in an earlier iteration of a loop, counts.\n"
    "Borrow it instead (`&x`), or assign a new value before using the binding again.\n"
    "\n"},
  {"E0384",
    "A variable that is not `mut` is assigned a second time. Declare it `let mut`.\n"
    "\n"},
  {"E0072",
    "A type contains itself by value, so it would need infinite size.\n"
    "\n"
    "A struct's fields are laid out inside it, and an enum is as large as its largest variant: in\n"
    "`enum List { Cons(i32, List), Nil }` a `List` would have to hold a whole `List` next to the\n"
    "`i32`, which holds another, without end. A pointer has a fixed size whatever it points to, so\n"
    "putting one in the way ends the regress: `Cons(i32, Box<List>)`. `Vec<List>` and\n"
    "`Option<Box<List>>` are fine too; `Option<List>` is not (`Some` holds its value inline).\n"
    "\n"},
  {"E0106",
    "A reference in a signature or a struct needs a lifetime that says what it borrows from.\n"
    "\n"
    "A reference is a pointer into memory someone else owns. In a function's return type the caller\n"
    "must know which argument that memory belongs to, so that it keeps the argument alive (and\n"
    "unchanged) while it uses the result. With one reference parameter, or `&self`, the answer is\n"
    "implied (lifetime elision); with two (`fn longest(x: &str, y: &str) -> &str`) or none, it is\n"
    "not, and a wrong guess would let the caller free `y` while holding a pointer into it. A struct\n"
    "field `r: &str` has the same question with nothing to imply the answer from.\n"
    "\n"
    "Fix: name the lifetime, `fn longest<'a>(x: &'a str, y: &'a str) -> &'a str`, `struct S<'a> {\n"
    "r: &'a str }`, or return an owned value (`String`).\n"
    "\n"},
  {"E0370",
    "An enum variant without an explicit discriminant would get the previous one plus one, and that\n"
    "does not fit the enum's discriminant type (`isize` unless a `#[repr]` says otherwise). Write\n"
    "the value you want explicitly (`B = -9223372036854775808` to wrap around).\n"
    "\n"},
  {"E0390",
    "An inherent `impl` is written for a primitive type (`impl i32 { ... }`), which belongs to the\n"
    "language. Put the methods in a trait and implement it for the type (an extension trait).\n"
    "\n"},
  {"E0500",
    "A closure needs unique access to a variable that is already borrowed.\n"
    "\n"
    "A closure that writes through a `&mut` variable it captured (`|| r.count += 1`, r not itself\n"
    "`mut`) captures it uniquely: while the closure lives, it is the only path to what r points\n"
    "to. Creating it while part of `*r` is still borrowed (`r.items.get(0).map(|x| { r.count += 1;\n"
    "..})`, where the call still uses the borrow of r.items) would give two paths. Capture only\n"
    "the fields the closure needs, end the other borrow first, or copy what it needs out.\n"
    "\n"},
  {"E0501",
    "A variable is borrowed while a closure that holds a unique borrow of it is still alive.\n"
    "\n"
    "A closure that writes through a `&mut` variable it captured (`|| *r += 1`) holds the only\n"
    "usable path to what r points to until its last call. Borrowing `*r` again meanwhile would give\n"
    "two ways to change the same memory, one of them hidden inside the closure. Use the closure\n"
    "for the last time first, or borrow before creating it.\n"
    "\n"},
  {"E0508",
    "A value is moved out of an array or slice by indexing (`let s = a[0];` of a `[String; 2]`).\n"
    "\n"
    "The array still owns every element and drops each when it goes; moving one out would leave a\n"
    "hole that is dropped twice. Borrow the element (`&a[0]`), clone it, or take it out in a way\n"
    "that leaves something in its place (`std::mem::replace`).\n"
    "\n"},
  {"E0521",
    "A reference that is only valid inside the function is stored where the caller can reach it.\n"
    "\n"
    "In `fn store(v: &mut Vec<&'static str>, s: &str) { v.push(s) }` the caller's vector promises\n"
    "to hold only references that live forever, but s may point into a String the caller frees\n"
    "right after the call; the vector would then hold a dangling pointer. Give the parameter the\n"
    "lifetime of the place it is stored in (`s: &'static str`), or store an owned value.\n"
    "\n"},
  {"E0527",
    "A slice pattern on an array has a different number of elements than the array: `let [a, b] =\n"
    "[1, 2, 3];`. Add elements, or a `..` for the rest (`[a, b, ..]`).\n"
    "\n"},
  {"E0528",
    "A slice pattern with `..` needs more elements than the array has: `[a, b, c, ..]` on a\n"
    "`[i32; 2]`.\n"
    "\n"},
  {"E0529",
    "A slice pattern (`[a, b]`) is matched against a value that is neither an array nor a slice.\n"
    "\n"},
  {"E0621",
    "A parameter whose lifetime is elided is returned where the return type names a lifetime.\n"
    "\n"
    "In `fn pick<'a>(x: &'a str, y: &str) -> &'a str`, the caller is told that the result borrows\n"
    "from x only: it keeps x's string alive while it uses the result, and may free y's as soon as\n"
    "the call returns. Returning y would hand it a pointer into memory that is then freed. Name\n"
    "the lifetime on that parameter too (`y: &'a str`) if the result may come from it.\n"
    "\n"},
  {"E0373",
    "A closure that borrows a local variable is returned (or otherwise outlives the function).\n"
    "\n"
    "A closure that is not `move` holds pointers to the variables it uses. Once the function\n"
    "returns, its locals are gone, and the closure would read dead stack memory when called.\n"
    "Write `move |..| ..` so that the closure owns copies of (or takes) the variables instead.\n"
    "\n"},
  {"E0381",
    "A variable is read before it is given a value on every path to the read.\n"
    "\n"
    "`let x: i32;` reserves a slot on the stack but puts nothing in it; reading it would see\n"
    "whatever bytes were left there. Assign it on every path first (an `if` without an `else`\n"
    "leaves one path without), or give it a value where it is declared.\n"
    "\n"},
  {"E0716",
    "A temporary value is dropped while a borrow of it is still in use.\n"
    "\n"
    "    let s: &str = String::from(\"hello\").as_str();   // error[E0716]\n"
    "    println!(\"{}\", s);\n"
    "\n"
    "The `String` made in the first line lives only until the end of that statement: its buffer\n"
    "is freed at the `;`, and `s` would point into freed memory. Bind the value to a variable\n"
    "(`let owned = String::from(\"hello\"); let s = owned.as_str();`) so that it lives as long as\n"
    "the block.\n"
    "\n"},
  {"E0310",
    "A type parameter is put where it must live for `'static`, and nothing says it does.\n"
    "\n"
    "    fn boxed<T: Debug>(x: T) -> Box<dyn Debug> {\n"
    "        Box::new(x)   // error[E0310]\n"
    "    }\n"
    "\n"
    "In a signature or a struct field, `Box<dyn Debug>` means `Box<dyn Debug + 'static>`: the\n"
    "box may be kept as long as the program runs. T could be `&'a str`, a borrow of some local\n"
    "of the caller; the box would then hold a pointer into a stack frame that is gone. Add the\n"
    "bound `T: 'static` (T holds no borrows, or only of statics), or let the trait object be\n"
    "shorter-lived: `fn boxed<'a, T: Debug + 'a>(x: T) -> Box<dyn Debug + 'a>`.\n"
    "\n"},
  {"E0713",
    "A borrow of data behind a reference field is still in use when the value holding the\n"
    "reference is dropped, and its type implements `Drop`.\n"
    "\n"
    "    struct Log<'a> { out: &'a mut String }\n"
    "    impl<'a> Drop for Log<'a> { fn drop(&mut self) { self.out.push_str(\"done\"); } }\n"
    "    fn take<'a>(log: Log<'a>) -> &'a mut String { &mut *log.out }   // error[E0713]\n"
    "\n"
    "`log` is dropped at the end of `take`, and its `drop` writes through `out`. The caller\n"
    "would get a `&mut String` into the same memory, so two mutable paths to the string would\n"
    "exist at once: one in the caller's hands, one used by the destructor. Move the reference\n"
    "out instead of borrowing through it (give `Log` a method that consumes it without running\n"
    "`drop`, e.g. by holding an `Option<&mut String>` and `take()`-ing it), or end the borrow\n"
    "before the value is dropped.\n"
    "\n"},
  {"E0499",
    "A value is borrowed mutably twice at the same time.\n"
    "\n"
    "A `&mut` is the only way to reach its value while it is in use: code holding it may resize a\n"
    "`Vec`, replace a `Box` or an enum variant, and so free or move what another reference points\n"
    "to. Two live `&mut` of one place would let one of them do that under the other. A borrow lasts\n"
    "until its last use (not to the end of the scope), so using the first one before taking the\n"
    "second is fine.\n"
    "\n"
    "    let a = &mut v; let b = &mut v; a.push(1);   // error[E0499]\n"
    "\n"},
  {"E0502",
    "A value is borrowed mutably while a shared borrow of it is still in use (or the other way\n"
    "round).\n"
    "\n"
    "    let first = &v[0]; v.push(4); println!(\"{}\", first);   // error[E0502]\n"
    "\n"
    "`push` may move the elements to a bigger allocation and free the old one, which `first` still\n"
    "points into: the print would read freed memory. Use the shared borrow before the mutation,\n"
    "or copy the value out (`let first = v[0];`).\n"
    "\n"},
  {"E0503",
    "A value is read while a mutable borrow of it is still in use. The `&mut` promised its holder\n"
    "the only access; reading the value directly in the meantime could see it half-updated, or\n"
    "read memory the holder has freed. Finish with the `&mut` first.\n"
    "\n"},
  {"E0505",
    "A value is moved while a borrow of it is still in use.\n"
    "\n"
    "Moving a value hands it (and the memory it owns) to someone else, who may drop it: a reference\n"
    "taken before the move would then point at freed memory.\n"
    "\n"
    "    let r = &s; drop(s); println!(\"{}\", r);   // error[E0505]\n"
    "\n"},
  {"E0506",
    "A place is assigned while a borrow of it is still in use. The assignment drops the old value\n"
    "(freeing a `String`'s or a `Box`'s memory) that the reference still points to, or changes a\n"
    "value a shared reference promised would not change.\n"
    "\n"},
  {"E0515",
    "A function returns a reference to a local variable (or a value holding one).\n"
    "\n"
    "A function's locals live in its stack frame, which is gone once it returns: the caller would get\n"
    "a pointer into dead stack. Return the value itself (an owned `String`, a `Box`), or take the\n"
    "data as a reference parameter and return a reference into that.\n"
    "\n"},
  {"E0597",
    "A borrowed value does not live long enough: it goes out of scope (and is dropped) while a\n"
    "reference to it is still used later.\n"
    "\n"
    "    let r; { let x = 5; r = &x; } println!(\"{}\", r);   // error[E0597]\n"
    "\n"
    "At the `}` the storage of `x` is released; `r` would then point at it. Declare `x` in the outer\n"
    "scope, or keep the value instead of a reference.\n"
    "\n"},
  {"E0391",
    "A trait lists itself as its own supertrait.\n"
    "\n"},
  {"E0403",
    "An item declares two generic parameters of one name: `fn f<T, T>()`. Rename one.\n"
    "\n"},
  {"E0405",
    "A trait name is used that is not declared.\n"
    "\n"},
  {"E0446",
    "An associated type of a trait impl names a type less visible than the impl, which is as\n"
    "public as both its trait and its self type: `impl Iterator for Pub { type Item = Priv; }`\n"
    "would let any code that sees `Pub` reach `Priv`. Make the type as visible as the impl.\n"
    "\n"},
  {"E0449",
    "`pub` on an item of a trait impl: `impl Shape for Circle { pub fn area(&self) .. }`.\n"
    "\n"
    "A trait's items are as visible as the trait; an impl of it cannot make one more or less so.\n"
    "Remove the qualifier.\n"
    "\n"},
  {"E0696",
    "`continue 'a` where `'a` labels a block, not a loop: a block runs once, so there is nothing\n"
    "to continue. `break 'a` leaves it (with a value, if it has one).\n"
    "\n"},
  {"E0057",
    "A closure, or a value called through `Fn`/`FnMut`/`FnOnce` (a `dyn Fn`, an `impl Fn`, a\n"
    "parameter `F: Fn(i32) -> i32`), is called with more or fewer arguments than its signature\n"
    "has. (A call of a function or of a `fn` pointer with the wrong count is E0061.)\n"
    "\n"},
  {"E0747",
    "A generic argument of the wrong kind: a type where the parameter is a const one\n"
    "(`Buf<u8>` for `struct Buf<const N: usize>`), or a constant where it is a type\n"
    "(`Vec<3>`). A const argument is a literal, a const parameter, a `const` item, or an\n"
    "expression in braces (`Buf<{ 2 * K }>`).\n"
    "\n"},
  {"E0730",
    "A slice pattern (`[first, .., last]`) on an array whose length is a const parameter\n"
    "(`[T; N]`): which elements the pattern names depends on N. Borrow the array as a slice\n"
    "(`&a[..]`) and match that, or index it.\n"
    "\n"},
  {"E0592",
    "An inherent impl defines one name twice (in one `impl` block): which of them a call means\n"
    "would be a guess. Rename or remove one.\n"
    "\n"},
  {"E0407",
    "An impl defines a method that the trait does not declare.\n"
    "\n"},
  {"E0411",
    "`Self` is used outside of an impl or a trait.\n"
    "\n"},
  {"E0422",
    "A struct literal names a struct that is not declared.\n"
    "\n"},
  {"E0423",
    "A struct name is used as a value; use a struct literal `Name { .. }`.\n"
    "\n"},
  {"E0424",
    "`self` is used in a function that has no `self` parameter.\n"
    "\n"},
  {"E0425",
    "A name (a variable, function or type) is used that is not declared in scope.\n"
    "\n"},
  {"E0432",
    "A `use` names something its module does not have (`use tools::saw;` with no `saw` in\n"
    "`tools`), or goes through something that has no items (`use a::f::g;` with `f` a function).\n"
    "\n"
    "Paths in a `use` start at the module the `use` is in: `crate::` starts at the crate root,\n"
    "`super::` at the parent module, `self::` (or a module's name) at this module.\n"
    "\n"},
  {"E0433",
    "A path goes through a module or type that is not there: `tools::box_of::hammer()` with no\n"
    "module `box_of` in `tools`, `HashMap::new()` without `use std::collections::HashMap;` in\n"
    "this module, or more `super::` than there are parent modules.\n"
    "\n"},
  {"E0451",
    "A struct literal outside the struct's module gives a field that is not `pub`.\n"
    "\n"
    "    mod bank { pub struct Account { pub owner: String, cents: u64 } }\n"
    "    let a = bank::Account { owner: s, cents: 0 };   // error[E0451]\n"
    "\n"
    "Fix: make the field `pub`, or build the value with a public constructor function.\n"
    "\n"},
  {"E0573",
    "A module is written where a type is expected (`let x: a::b;` with `b` a module).\n"
    "\n"},
  {"E0583",
    "`mod name;` found no file for the module. trc looks, as rustc does, for `name.rs` or\n"
    "`name/mod.rs` (and `name.tr`, `name/mod.tr`) in the directory of the crate root, or, for a\n"
    "module file `parent.tr` that is not a `mod.tr`, in the directory `parent/` beside it.\n"
    "\n"},
  {"E0603",
    "An item is named from outside where its visibility allows: a function, struct, module or\n"
    "constant without `pub` is visible only in its own module and the modules inside it\n"
    "(`pub(super)`: also in the parent; `pub(crate)` and `pub`: everywhere). A tuple struct's\n"
    "constructor (`units::Meters(2.0)`) is private when any of its fields is.\n"
    "\n"},
  {"E0616",
    "A field that is not `pub` is read outside the module of its struct.\n"
    "\n"
    "Fix: make the field `pub` (or `pub(crate)`), or add a public method that returns it.\n"
    "\n"},
  {"E0624",
    "A method or associated function that is not `pub` is called outside the module of its\n"
    "`impl` block.\n"
    "\n"},
  {"E0426",
    "`break 'label` or `continue 'label` names a label that is not declared.\n"
    "\n"},
  {"E0428",
    "Two items of the same kind (two types, or two functions) have the same name.\n"
    "\n"},
  {"E0437",
    "An impl gives an associated type that the trait does not declare.\n"
    "\n"},
  {"E0438",
    "An impl defines an associated const its trait does not declare; only the trait's items can\n"
    "be implemented.\n"
    "\n"},
  {"E0507",
    "A value is moved out of a borrow or an index (`let s = v[0];` for a `Vec<String>`); borrow it instead.\n"
    "\n"},
  {"E0509",
    "A field is moved out of a value whose type implements `Drop`: its `drop` needs the whole value.\n"
    "Borrow the field, or replace it with `std::mem::replace`.\n"
    "\n"},
  {"E0560",
    "A struct literal names a field the struct does not have.\n"
    "\n"},
  {"E0525",
    "A closure is passed where a bound asks for `Fn` (or `FnMut`), but its body changes a captured\n"
    "variable (so it is only `FnMut`) or moves one out (only `FnOnce`). An `Fn` may be called\n"
    "through a shared reference, even by two callers at once: a closure that writes its captures\n"
    "then would be two writers of one variable, and one that moves a capture out would hand out\n"
    "a value that a second call reads after it was freed. Relax the bound, or change the closure.\n"
    "\n"},
  {"E0562",
    "`impl Trait` is used outside of a function's arguments and return type (in a `let`, a\n"
    "field, a `dyn Fn` signature); use a generic parameter or a concrete type.\n"
    "\n"},
  {"E0571",
    "`break` with a value is used in a `while` or `for` loop; only `loop` can produce a value.\n"
    "\n"},
  {"E0223",
    "`<Type>::Name` names an associated type without saying which trait's: several traits\n"
    "may give the type one. Write `<Type as Trait>::Name`.\n"
    "\n"},
  {"E0015",
    "A `const`, a `static` or a `const fn` calls a function that is not a `const fn`. rustc\n"
    "evaluates these at compile time, where only `const fn`s (and constructors) can run; trc\n"
    "runs them when the program does, but rejects the same programs. Mark the callee `const fn`\n"
    "if its body allows it, or compute the value at run time (a `fn`, a `LazyLock`).\n"
    "\n"},
  {"E0322",
    "An `impl Sized for T` is written. Whether a type has a size known at compile time is the\n"
    "compiler's to say, never an impl's: remove it.\n"
    "\n"},
  {"E0261",
    "A lifetime is named that nothing declares (`fn longest(x: &'a str, y: &'a str) -> &'a str`\n"
    "without `<'a>`). A lifetime must be a parameter of the function, of the impl or trait it is\n"
    "in, or of the struct being defined, or `'static`: declare it with `fn longest<'a>(..)`.\n"
    "\n"},
  {"E0496",
    "A lifetime parameter has the name of one already in scope: `fn f<'a>(..)` inside\n"
    "`impl<'a> S<'a>`. Inside f, `'a` could mean either. Give the inner one another name.\n"
    "\n"},
  {"E0590",
    "A `break` or `continue` without a label in the condition of a `while` loop (`while break\n"
    "{}`): it is not clear whether it leaves this loop or an enclosing one. Label the loop\n"
    "(`'a: while break 'a {}`), or compute the condition before the loop.\n"
    "\n"},
  {"E0805",
    "A `cfg` predicate with the wrong number of parts: `not(..)` takes exactly one predicate\n"
    "(`#[cfg(not(unix))]`); join several with `all(..)` or `any(..)` first.\n"
    "\n"},
  {"E0539",
    "A `cfg` predicate whose value is not a string: the value of a name-value predicate is a\n"
    "string literal (`#[cfg(target_os = \"linux\")]`, not `= linux` or `= 3`).\n"
    "\n"},
  {"E0392",
    "A struct or enum declares a type or lifetime parameter that none of its fields uses\n"
    "(`struct Holder<T> { n: i32 }`). What the type holds of T decides how it may be used\n"
    "(its variance, what it outlives), and here it holds nothing. Remove the parameter, use it in\n"
    "a field, or add a `PhantomData<T>` field to say the type acts as if it held a T.\n"
    "\n"},
  {"E0415",
    "Two parameters of one function or closure have the same name (`fn f(a: i32, a: i32)`):\n"
    "the body could not tell them apart. Rename one.\n"
    "\n"},
  {"E0416",
    "One pattern binds the same name twice (`let (a, a) = (1, 2);`). Rename one, or use `_` for\n"
    "a part that is not needed. (The alternatives of an or-pattern `A(x) | B(x)` each bind x:\n"
    "that is one binding.)\n"
    "\n"},
  {"E0401",
    "An item written inside a function (a nested `fn`, `struct` or `impl`) names a generic\n"
    "parameter of that function (`fn outer<'a>() { fn inner(x: &'a str) {} }`). Items in a body\n"
    "are items of their own: they do not see the function's parameters. Give the inner item its\n"
    "own (`fn inner<'a>(x: &'a str)`).\n"
    "\n"},
  {"E0091",
    "A type alias declares a type parameter its type does not use (`type Unused<T> = u32;`):\n"
    "the argument given for it would be thrown away. Remove the parameter.\n"
    "\n"},
  {"E0252",
    "Two `use` declarations bind the same name in one module to different items of one\n"
    "namespace (two functions `run`): a path `run` could not say which. Rename one with\n"
    "`use b::run as run_b;`.\n"
    "\n"},
  {"E0764",
    "The value of a `const` or `static` holds `&mut` of a temporary (`const C: &mut i32 = &mut 5;`).\n"
    "Such a temporary lives as long as the program, so it would be mutable state that every use\n"
    "shares; only shared references may be kept. Use a `static` with interior mutability\n"
    "(`static C: AtomicI32`, `Mutex`) instead.\n"
    "\n"},
  {"E0576",
    "`Trait::name` names a method the trait does not declare.\n"
    "\n"},
  {"E0580",
    "`main` has parameters or a return type; it must be `fn main()`.\n"
    "\n"},
  {"E0594",
    "A field of a variable that is not `mut` is assigned. Declare the variable `let mut`.\n"
    "Also: a closure checked as `Fn` (passed where an `Fn` bound is expected) assigns to a\n"
    "variable it captured; an `Fn` may run through a shared reference, so it may not write.\n"
    "\n"},
  {"E0596",
    "`&mut` is taken of a variable that is not `mut`. Declare it `let mut`.\n"
    "\n"},
  {"E0599",
    "A method or associated function is called that the type does not have (in this scope). For a trait object, only the trait's methods (and its supertraits') exist.\n"
    "\n"},
  {"E0393",
    "A trait's type parameter whose default names `Self` is left out where there is no Self to\n"
    "use, as in `dyn Add`: write it (`dyn Add<i32, Output = i32>`).\n"
    "\n"},
  {"E0436",
    "Functional record update syntax (`..base`) is used on an enum variant; it only applies to\n"
    "structs.\n"
    "\n"},
  {"E0600",
    "A unary operator is applied to a type that does not support it (`-` on a bool or an unsigned integer).\n"
    "\n"
    "On a type that is not a number, `-a` calls `Neg::neg(a)` and `!a` calls `Not::not(a)`:\n"
    "implement `std::ops::Neg` or `std::ops::Not` for it.\n"},
  {"E0601",
    "The program has no `main` function.\n"
    "\n"},
  {"E0604",
    "An integer other than `u8` is cast to `char` with `as`: not every u32 is a char.\n"
    "\n"
    "Use `char::from_u32(x)`, which returns `None` for what is not a Unicode scalar value.\n"},
  {"E0605",
    "An `as` cast is not between primitive types and is not a coercion to a trait object.\n"
    "\n"},
  {"E0606",
    "An `as` cast between these primitive types is not allowed (for example `bool as f64`).\n"
    "\n"},
  {"E0608",
    "A value is indexed (`x[i]`) whose type is not a `Vec`, slice or array (or, by a range, a\n"
    "string).\n"
    "\n"},
  {"E0609",
    "A field is accessed that the struct does not have.\n"
    "\n"},
  {"E0610",
    "A field is accessed on a primitive value.\n"
    "\n"},
  {"E0614",
    "`*` is applied to a value that is not a reference or a `Box`.\n"
    "\n"},
  {"E0615",
    "A method is named as if it were a field (`v.len` for `v.len()`): a method's value cannot be\n"
    "taken this way; call it.\n"
    "\n"},
  {"E0618",
    "Something that is not a function is called.\n"
    "\n"},
  {"E0620",
    "An `as` cast is to a type whose size is not known (`v as [i32]`, `x as dyn Debug`, `s as\n"
    "str`): a cast makes a value, and a value needs a size. Cast to a reference instead\n"
    "(`v as &[i32]`).\n"
    "\n"},
  {"E0658",
    "An unstable library feature is used (for example `Vec`'s allocator parameter).\n"
    "\n"},
  {"E0665",
    "`#[derive(Default)]` on an enum needs one unit variant marked `#[default]`: the value\n"
    "`Default::default()` gives.\n"
    "\n"},
  {"E0689",
    "A method is called on a number literal whose type is not known yet (`2.pow(3)`); add a suffix (`2i32`).\n"
    "\n"},
  {"E0700",
    "A function returning `impl Tr` returns a value that borrows from a parameter, but the\n"
    "return type names no lifetime. In Rust 2021 the hidden type of `impl Tr` may use the\n"
    "function's type parameters but only the lifetimes its bounds write, so the caller is free\n"
    "to drop what the argument points to while it still holds the result: the value would read\n"
    "freed memory. Say that the result borrows, `-> impl Tr + '_` (or `+ 'a`), or return owned\n"
    "data.\n"
    "\n"},
  {"E0720",
    "A function returning `impl Tr` returns its own result (`fn f() -> impl Tr { f() }`), so its\n"
    "hidden type is defined by itself and has no size. Return a concrete type, or a `Box<dyn Tr>`.\n"
    "\n"},
  {"E0790",
    "`Trait::function()` calls an associated function that takes no `self`, and nothing says\n"
    "which type's implementation to call: each implementor has its own. Name the type with a\n"
    "qualified path, `<Dog as Animal>::baby_name()`.\n"
    "\n"},
  {"E0742",
    "`pub(in path)` names a module that is not the item's own module or one that contains it: a\n"
    "visibility can only be widened to an enclosing module.\n"
    "\n"},
  {"E0746",
    "A function returns `dyn Tr` by value.\n"
    "\n"
    "A return value must have a size the caller can make room for. Return `Box<dyn Tr>` (and wrap\n"
    "the returned values in `Box::new`), or a concrete type.\n"
    "\n"},
  {"E0748",
    "A raw string literal is not terminated with the same number of `#` it started with.\n"
    "\n"},
  {"E0758",
    "A block comment is not terminated.\n"
    "\n"},
  {"E0762",
    "A character literal is not terminated.\n"
    "\n"},
  {"E0765",
    "A string literal is not terminated.\n"
    "\n"},
  {"E0768",
    "A number literal has no digits after its base prefix (`0x`).\n"
    "\n"},
  {"E0782",
    "A trait is used as a type without `dyn` (Rust 2021): write `&dyn Tr` or `Box<dyn Tr>`, or use a generic parameter `T: Tr`.\n"
    "\n"},
  {"E0004",
    "A `match` does not cover every value of its scrutinee's type.\n"
    "\n"
    "trc checks exhaustiveness the way rustc does: every enum variant, both `bool`s, and every\n"
    "shape of a tuple or struct must be matched by some arm without a guard (an arm with `if` may\n"
    "not match). Integers, chars and strings have too many values to list: they need a `_` or a\n"
    "binding arm. The error names values no arm matches.\n"
    "\n"
    "    enum Shape { Circle(f64), Square(f64) }\n"
    "    match s { Shape::Circle(r) => r }   // error[E0004]: `Shape::Square(_)` not covered\n"
    "\n"
    "Fix: add the missing arms, or a `_ =>` arm.\n"},
  {"E0005",
    "A `let` (or a parameter, or a `for` pattern) uses a refutable pattern: one that some values\n"
    "do not match, such as `let Some(x) = opt;`. Use `match` or `if let` instead.\n"},
  {"E0023",
    "A tuple-struct or tuple-variant pattern has the wrong number of fields: `Some(a, b)`. Match\n"
    "each field, or use `..` for the ones you do not need.\n"},
  {"E0026",
    "A struct pattern names a field the struct or variant does not have.\n"},
  {"E0027",
    "A struct pattern does not mention every field: list them, or end the pattern with `..`.\n"},
  {"E0029",
    "A range pattern (`a..=b`) is used on a type that is not an integer or `char`.\n"},
  {"E0081",
    "Two variants of an enum have the same discriminant, explicitly or by counting up from the\n"
    "previous one: `enum E { A = 1, B = 0, C }` gives C the value 1, like A.\n"},
  {"E0408",
    "The alternatives of an or-pattern (`A(x) | B(x)`) must bind the same names: a binding in\n"
    "one alternative is missing from another.\n"},
  {"E0531",
    "A pattern names a tuple struct or tuple variant that is not in scope: write the enum's name\n"
    "(`Shape::Circle(r)`), or import the variants with `use Shape::*;`.\n"},
  {"E0532",
    "A pattern uses a constructor of the wrong kind: `Shape::Empty(x)` for a unit variant, or a\n"
    "unit pattern for a tuple variant.\n"},
  {"E0533",
    "A path names a struct-like variant or something else that is not a value or a unit pattern:\n"
    "a struct variant is built and matched with braces, `Shape::Rect { w, h }`.\n"},
  {"E0559",
    "An enum variant is built with a field it does not have.\n"},
  {"E0732",
    "trc allows explicit discriminants (`A = 5`) only on enums whose variants have no fields.\n"},
  {"E0214",
    "Parenthesized arguments (`Tr(A, B) -> R`) are only for the `Fn`, `FnMut` and `FnOnce` traits.\n"},
  {"E0631",
    "A closure or function is passed where an `Fn(A, B) -> R` bound asks for other parameter\n"
    "types: its signature must match the bound's.\n"},
  {"E0658",
    "An unstable feature of Rust is used. trc, like stable rustc, accepts `Fn`-family traits only\n"
    "in their parenthesized form, `Fn(i64) -> i64`, not as `Fn<(i64,)>`.\n"},
};

int explain_code(const char *arg) {
  // Accept E0038, e0038 and 0038.
  char code[8];
  const char *digits = (arg[0] == 'E' || arg[0] == 'e') ? arg + 1 : arg;
  if (strlen(digits) != 4 || !isdigit((unsigned char)digits[0]) || !isdigit((unsigned char)digits[1]) ||
      !isdigit((unsigned char)digits[2]) || !isdigit((unsigned char)digits[3])) {
    fprintf(stderr, "error: `%s` is not an error code (expected something like E0038)\n", arg);
    return 1;
  }
  snprintf(code, sizeof code, "E%s", digits);
  for (size_t i = 0; i < sizeof explanations / sizeof explanations[0]; i++)
    if (!strcmp(explanations[i].code, code)) {
      printf("%s\n\n%s", code, explanations[i].text);
      return 0;
    }
  fprintf(stderr, "error: %s is not an error code trc emits\n", code);
  return 1;
}
