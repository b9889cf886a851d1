#include "infra/delivery/local_senders.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <system_error>
#include <nlohmann/json.hpp>

#include "infra/delivery/http_sms_sender.hpp"
#include "infra/delivery/mime.hpp"

namespace guichet::infra {
namespace {

std::string system_error(const std::string& what, const std::filesystem::path& path, int error) {
    return what + " " + path.string() + ": " + std::error_code(error, std::system_category()).message();
}

// Empty on success, else the error text.
std::string write_all(int fd, std::string_view data, const std::filesystem::path& path) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return system_error("writing", path, errno);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd) != 0) return system_error("flushing", path, errno);
    return {};
}

std::string ensure_directory(const std::filesystem::path& dir) {
    if (dir.empty()) return {};
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return "creating " + dir.string() + ": " + error.message();
    return {};
}

// 20250304T091500.123456Z: sorts in delivery order.
std::string utc_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[96];  // generous: the compiler cannot bound tm_year
    std::snprintf(buffer, sizeof buffer, "%04d%02d%02dT%02d%02d%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
    return buffer;
}

}  // namespace

std::string file_name_part(std::string_view message_id) {
    if (message_id.size() >= 2 && message_id.front() == '<' && message_id.back() == '>')
        message_id = message_id.substr(1, message_id.size() - 2);
    std::string out;
    for (const char c : message_id.substr(0, 100)) {
        const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '.' || c == '-' || c == '_' || c == '@' || c == '+';
        out += kept ? c : '_';
    }
    if (out.empty() || out.find_first_not_of('.') == std::string::npos) out = "message";
    return out;
}

MailboxDirSender::MailboxDirSender(std::filesystem::path dir, std::string from)
    : dir_(std::move(dir)), from_(std::move(from)) {
    (void)ensure_directory(dir_);  // a failure shows, with its reason, on the first send
}

// Writes `content` to `dir/name` through a hidden temporary file, flushed then renamed, so a
// reader never sees half of it. Empty on success, else the error text.
std::string write_whole_file(const std::filesystem::path& dir, const std::string& name, std::string_view content) {
    static std::atomic<unsigned> counter{0};
    const auto temporary = dir / ("." + name + "." + std::to_string(::getpid()) + "." + std::to_string(counter++) + ".tmp");
    const auto final_path = dir / name;
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return system_error("creating", temporary, errno);
    std::string error = write_all(fd, content, temporary);
    if (::close(fd) != 0 && error.empty()) error = system_error("closing", temporary, errno);
    if (error.empty() && std::rename(temporary.c_str(), final_path.c_str()) != 0)
        error = system_error("renaming into", final_path, errno);
    if (!error.empty()) ::unlink(temporary.c_str());
    return error;
}

// What a developer reads with `cat`: the envelope's headers and the plain text, undecoded.
std::string readable_copy(const Envelope& envelope, const std::string& from) {
    return "From: " + from + "\nTo: " + envelope.recipient + "\nSubject: " + envelope.content.subject +
           "\nMessage-ID: " + envelope.message_id + "\n\n" + envelope.content.text + "\n";
}

SendResult MailboxDirSender::send(const Envelope& envelope) {
    if (const auto problem = email_problem(envelope, from_); !problem.empty())
        return {SendOutcome::permanent, "email not written: " + problem};
    try {
        if (auto error = ensure_directory(dir_); !error.empty()) return {SendOutcome::retry, error};
        const std::string stem = utc_timestamp() + "-" + file_name_part(envelope.message_id);
        // The readable copy first: the .eml, the message itself, is what marks it delivered.
        if (auto error = write_whole_file(dir_, stem + ".txt", readable_copy(envelope, from_)); !error.empty())
            return {SendOutcome::retry, error};
        if (auto error = write_whole_file(dir_, stem + ".eml", format_email(envelope, from_)); !error.empty())
            return {SendOutcome::retry, error};
        // Make the renames themselves durable; a failure here loses nothing already written.
        if (const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
            (void)::fsync(dir_fd);
            ::close(dir_fd);
        }
        return {SendOutcome::sent, {}};
    } catch (const std::exception& e) {
        return {SendOutcome::retry, std::string("mailbox folder: ") + e.what()};
    }
}

SmsFileSender::SmsFileSender(std::filesystem::path file, std::string sender)
    : file_(std::move(file)), sender_(std::move(sender)) {
    (void)ensure_directory(file_.parent_path());
}

SendResult SmsFileSender::send(const Envelope& envelope) {
    if (const auto problem = sms_recipient_problem(envelope.recipient); !problem.empty())
        return {SendOutcome::permanent, "SMS not written: " + problem};
    try {
        nlohmann::ordered_json line;
        line["to"] = envelope.recipient;
        line["text"] = envelope.content.text;
        line["sender"] = sender_;
        line["message_id"] = envelope.message_id;
        const std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";

        const std::lock_guard lock(mutex_);
        if (auto error = ensure_directory(file_.parent_path()); !error.empty()) return {SendOutcome::retry, error};
        const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) return {SendOutcome::retry, system_error("opening", file_, errno)};
        std::string error = write_all(fd, text, file_);
        if (::close(fd) != 0 && error.empty()) error = system_error("closing", file_, errno);
        if (!error.empty()) return {SendOutcome::retry, error};
        return {SendOutcome::sent, {}};
    } catch (const std::exception& e) {
        return {SendOutcome::retry, std::string("SMS file: ") + e.what()};
    }
}

}  // namespace guichet::infra
