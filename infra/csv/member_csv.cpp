#include "infra/csv/member_csv.hpp"

#include <iterator>

#include "domain/text.hpp"

namespace guichet::infra {


std::expected<std::vector<NumberedRecord>, CsvError> read_member_csv(std::istream& in) {
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // spreadsheet BOM
    if (!is_valid_utf8(text)) return std::unexpected(CsvError{0, "le fichier n'est pas en UTF-8"});

    // Split into rows of fields, tracking the line each row starts on.
    std::vector<std::pair<std::size_t, std::vector<std::string>>> rows;
    std::vector<std::string> fields;
    std::string field;
    std::size_t line = 1, row_line = 1;
    bool quoted = false, field_started = false, row_has_content = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                if (c != '\r') field += c;
            }
            continue;
        }
        if (c == '"' && !field_started) {
            quoted = field_started = row_has_content = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
            field_started = false;
            row_has_content = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (row_has_content || !field.empty()) {
                fields.push_back(std::move(field));
                rows.emplace_back(row_line, std::move(fields));
            }
            fields.clear();
            field.clear();
            field_started = row_has_content = false;
            row_line = ++line;
        } else {
            field += c;
            field_started = row_has_content = true;
        }
    }
    if (quoted) return std::unexpected(CsvError{row_line, "guillemet non fermé"});
    if (row_has_content || !field.empty()) {
        fields.push_back(std::move(field));
        rows.emplace_back(row_line, std::move(fields));
    }

    if (rows.empty()) return std::unexpected(CsvError{1, "fichier vide : une ligne d'en-tête est attendue"});
    const auto& header = rows.front().second;
    bool header_ok = header.size() == std::size(kMemberFields);
    for (std::size_t i = 0; header_ok && i < header.size(); ++i) header_ok = header[i] == kMemberFields[i];
    if (!header_ok) {
        std::string expected;
        for (auto f : kMemberFields) {
            if (!expected.empty()) expected += ',';
            expected += f;
        }
        return std::unexpected(CsvError{1, "en-tête attendu : " + expected});
    }

    std::vector<NumberedRecord> records;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        auto& [at, f] = rows[r];
        if (f.size() != std::size(kMemberFields))
            return std::unexpected(CsvError{at, std::to_string(std::size(kMemberFields)) + " champs attendus, " +
                                                     std::to_string(f.size()) + " trouvés"});
        records.push_back({at, MemberRecord{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]}});
    }
    return records;
}

}  // namespace guichet::infra
