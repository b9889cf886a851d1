#pragma once
// Reads the member CSV of SPEC.md §4 (UTF-8, header row, RFC 4180 quoting so addresses may hold
// commas, quotes and line breaks).
#include <expected>
#include <istream>
#include <string>
#include <vector>

#include "domain/members/member.hpp"

namespace guichet::infra {

struct CsvError {
    std::size_t line;
    std::string message;
};

// Each record keeps the line it starts on (the header is line 1). Fails on a header that is not
// the expected one, a row with the wrong number of fields, an unterminated quote or invalid UTF-8.
std::expected<std::vector<NumberedRecord>, CsvError> read_member_csv(std::istream& in);

}  // namespace guichet::infra
