# Writes OUT: a C++ function SYMBOL() returning the text of IN (e.g. openapi.yaml served by the API),
# so the binary serves exactly the file it was built with.
file(READ "${IN}" text)
string(LENGTH "${text}" length)
# Raw string literals are limited in practice; split into chunks the compiler accepts.
set(body "// Generated from ${IN} by cmake/embed_text.cmake. Do not edit.\n#include <string>\n\nnamespace guichet::api {\n\nconst std::string& ${SYMBOL}() {\n    static const std::string text = std::string()\n")
set(pos 0)
while(pos LESS length)
  string(SUBSTRING "${text}" ${pos} 8000 chunk)
  string(APPEND body "        + R\"__embed__(${chunk})__embed__\"\n")
  math(EXPR pos "${pos} + 8000")
endwhile()
string(APPEND body "        ;\n    return text;\n}\n\n}  // namespace guichet::api\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
