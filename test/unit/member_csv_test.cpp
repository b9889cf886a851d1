// The member CSV reader: RFC 4180 quoting, line numbers, header and UTF-8 checks.
#include <catch2/catch.hpp>

#include <sstream>

#include "infra/csv/member_csv.hpp"

using namespace guichet;
using namespace guichet::infra;

namespace {
const std::string kHeader =
    "nir,last_name,first_name,birth_date,member_type,email,mobile_phone,landline_phone,address,carte_vitale_serial,recent_amounts\n";
auto read(const std::string& text) {
    std::istringstream in(text);
    return read_member_csv(in);
}
}  // namespace

TEST_CASE("CSV rows keep the line they start on, quoted fields may hold commas, quotes and newlines", "[infra][csv]") {
    auto rows = read(kHeader +
                     "184027512345674,Martin,Jean,1984-02-29,particulier,,,,\"12 rue \"\"Haute\"\", Paris\",,\r\n"
                     "269029935004220,Lefèvre,Élodie,1969-02-01,particulier,,,,\"3 place\nSaint-Exemple\",,\n"
                     "\n"
                     "175057505612393,Dubois,Pierre,1975-05-20,exploitant,,,,,,");
    REQUIRE(rows);
    REQUIRE(rows->size() == 3);
    CHECK((*rows)[0].position == 2);
    CHECK((*rows)[0].record.address == "12 rue \"Haute\", Paris");
    CHECK((*rows)[1].position == 3);
    CHECK((*rows)[1].record.address == "3 place\nSaint-Exemple");
    CHECK((*rows)[1].record.first_name == "Élodie");
    CHECK((*rows)[2].position == 6);
    CHECK((*rows)[2].record.member_type == "exploitant");
}

TEST_CASE("CSV structural errors name the line", "[infra][csv]") {
    auto wrong_header = read("nir,name\n1,2\n");
    REQUIRE_FALSE(wrong_header);
    CHECK(wrong_header.error().line == 1);

    auto short_row = read(kHeader + "184027512345674,Martin,Jean\n");
    REQUIRE_FALSE(short_row);
    CHECK(short_row.error().line == 2);

    auto open_quote = read(kHeader + "184027512345674,\"Martin,Jean,1984-02-29,particulier,,,,,,\n");
    REQUIRE_FALSE(open_quote);
    CHECK(open_quote.error().line == 2);

    CHECK_FALSE(read(""));
    CHECK_FALSE(read(kHeader + "\xFF\xFE,x\n"));
    CHECK(read("\xEF\xBB\xBF" + kHeader));  // a spreadsheet's BOM is fine
}
