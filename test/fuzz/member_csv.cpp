// The member CSV reader (infra/csv/member_csv.hpp) and the validation of each record
// (domain/members/member.hpp) on any file: rows come in file order, what is read is written back
// as CSV and read again the same, and the recent amounts of a valid member format and parse back.
#include <sstream>
#include <string>

#include "domain/members/member.hpp"
#include "fuzz.hpp"
#include "infra/csv/member_csv.hpp"

using namespace guichet;

namespace {

constexpr CalendarDate kToday{2026, 3, 15};

std::vector<std::string> fields_of(const MemberRecord& r) {
    return {r.nir, r.last_name, r.first_name, r.birth_date, r.member_type, r.email, r.mobile_phone,
            r.landline_phone, r.address, r.carte_vitale_serial, r.recent_amounts};
}

// Every field quoted, quotes doubled (RFC 4180).
std::string to_csv(const std::vector<NumberedRecord>& records) {
    std::string out;
    for (std::size_t i = 0; i < std::size(kMemberFields); ++i) out += (i ? "," : "") + std::string(kMemberFields[i]);
    out += "\r\n";
    for (const auto& r : records) {
        bool first = true;
        for (const auto& field : fields_of(r.record)) {
            out += first ? "\"" : ",\"";
            first = false;
            for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
            out += '"';
        }
        out += "\n";
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in{std::string(fuzz::text_of(data, size))};
    auto records = infra::read_member_csv(in);
    if (!records) {
        FUZZ_CHECK(!records.error().message.empty());
        return 0;
    }
    std::size_t previous = 1;  // the header
    for (const auto& r : *records) {
        FUZZ_CHECK(r.position > previous);
        previous = r.position;
        for (const auto& field : fields_of(r.record)) FUZZ_CHECK(field.find('\r') == std::string::npos);

        auto member = parse_member(r.record, kToday);
        if (!member) {
            FUZZ_CHECK(!member.error().field.empty());
            continue;
        }
        const auto amounts = format_recent_amounts(member->recent_amounts);
        const auto again = parse_recent_amounts(amounts);
        FUZZ_CHECK(again && *again == member->recent_amounts);
        FUZZ_CHECK(Nir::parse(member->nir.value()) && !member->last_name.empty());
    }

    std::istringstream written{to_csv(*records)};
    auto reread = infra::read_member_csv(written);
    FUZZ_CHECK(reread && reread->size() == records->size());
    for (std::size_t i = 0; i < records->size(); ++i)
        FUZZ_CHECK(fields_of((*reread)[i].record) == fields_of((*records)[i].record));
    return 0;
}
