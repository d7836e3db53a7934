# embed.cmake — turns the prelude's .tr files into a C file that defines `prelude_source`.
#
# Run by the build (CMakeLists.txt), as a script:
#   cmake -DSTD_DIR=<compiler/std> -DFILES=marker.tr,ops.tr,... -DOUT=<file.c> -P embed.cmake
#
# The files are concatenated in the order given, each without its leading `//!` lines (the
# comment that says what the file holds), so the prelude the compiler parses is the same text
# whichever way the files are documented, and spans into it do not move when a comment does.
# The text is written as a byte array, so no character of it needs escaping.
cmake_minimum_required(VERSION 3.20)

string(REPLACE "," ";" files "${FILES}")
set(text "")
foreach(f IN LISTS files)
  file(READ "${STD_DIR}/${f}" body)
  while(body MATCHES "^//!")
    string(FIND "${body}" "\n" eol)
    math(EXPR eol "${eol} + 1")
    string(SUBSTRING "${body}" ${eol} -1 body)
  endwhile()
  string(APPEND text "${body}")
endforeach()

# file(READ ... HEX) reads only files: go through one next to the output.
file(WRITE "${OUT}.txt" "${text}")
file(READ "${OUT}.txt" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n  " bytes "${bytes}")

file(WRITE "${OUT}"
"// Generated from compiler/std/*.tr by compiler/std/embed.cmake at build time: do not edit.
// The prelude, parsed before every program as the file `<prelude>`.
#include \"driver/driver.h\"

static const char prelude_bytes[] = {
  ${bytes}0x00
};

const char *prelude_source = prelude_bytes;
")
