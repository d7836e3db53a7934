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
    "pub trait AsRef<T: ?Sized> { fn as_ref(&self) -> &T; }\n"
    "impl AsRef<str> for str { fn as_ref(&self) -> &str { self } }\n"
    "impl AsRef<str> for String { fn as_ref(&self) -> &str { self.as_str() } }\n"
    "impl AsRef<str> for &str { fn as_ref(&self) -> &str { *self } }\n";
