// prelude.c — the part of Rust's standard library that trc writes in its own language.
//
// These declarations are parsed before every program, as file 0. The compiler gives a few of
// them their special meaning by name (Sized, Copy, Send, Sync, Unpin and Drop); everything
// else here is ordinary trait and impl code, checked and monomorphized like the user's.
#include "trc.h"

const char *prelude_source =
    "pub trait Sized {}\n"
    "pub trait Send {}\n"
    "pub trait Sync {}\n"
    "pub trait Unpin {}\n"
    "pub trait Clone { fn clone(&self) -> Self; }\n"
    "pub trait Copy: Clone {}\n"
    "pub trait Drop { fn drop(&mut self); }\n"
    "pub trait FnOnce<Args> { type Output; fn call_once(&self, args: Args) -> Self::Output; }\n"
    "pub trait FnMut<Args> { type Output; fn call_mut(&self, args: Args) -> Self::Output; }\n"
    "pub trait Fn<Args> { type Output; fn call(&self, args: Args) -> Self::Output; }\n"
    "pub trait AsRef<T: ?Sized> { fn as_ref(&self) -> &T; }\n"
    "impl AsRef<str> for str { fn as_ref(&self) -> &str { self } }\n"
    "impl AsRef<str> for String { fn as_ref(&self) -> &str { self.as_str() } }\n"
    "impl AsRef<str> for &str { fn as_ref(&self) -> &str { *self } }\n"
    "\n"
    "#[derive(Clone, Copy, PartialEq, Debug)]\n"
    "pub enum Option<T> { None, Some(T) }\n"
    "use Option::*;\n"
    "impl<T> Option<T> {\n"
    "    pub fn is_some(&self) -> bool { match self { Some(_) => true, None => false } }\n"
    "    pub fn is_none(&self) -> bool { match self { Some(_) => false, None => true } }\n"
    "    #[track_caller]\n"
    "    pub fn unwrap(self) -> T {\n"
    "        match self { Some(x) => x, None => panic!(\"called `Option::unwrap()` on a `None` value\") }\n"
    "    }\n"
    "    #[track_caller]\n"
    "    pub fn expect(self, msg: &str) -> T { match self { Some(x) => x, None => panic!(\"{}\", msg) } }\n"
    "    pub fn unwrap_or(self, default: T) -> T { match self { Some(x) => x, None => default } }\n"
    "    pub fn as_ref(&self) -> Option<&T> { match self { Some(x) => Some(x), None => None } }\n"
    "    pub fn as_mut(&mut self) -> Option<&mut T> { match self { Some(x) => Some(x), None => None } }\n"
    "}\n";
