// Delivery adapters against real peers (SPEC.md §4, §7): SmtpSender against the aiosmtpd server
// that scripts/test starts (GUICHET_TEST_SMTP_URL, Maildir GUICHET_TEST_SMTP_MAILBOX) and a
// scripted SMTP peer for the replies aiosmtpd never gives; HttpSmsSender against
// test/support/sms_sink.py; the local file senders against a temporary folder. Emails are
// decoded by Python's `email` package, an implementation independent of ours.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "infra/delivery/http_sms_sender.hpp"
#include "infra/delivery/local_senders.hpp"
#include "infra/delivery/mime.hpp"
#include "infra/delivery/smtp_sender.hpp"

extern char** environ;

using namespace guichet;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Environment and small helpers

std::string smtp_url() {
    const char* url = std::getenv("GUICHET_TEST_SMTP_URL");
    if (url == nullptr || *url == '\0')
        FAIL("GUICHET_TEST_SMTP_URL is not set: run ./scripts/test, or start "
             "`python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox DIR` and set "
             "GUICHET_TEST_SMTP_URL=smtp://127.0.0.1:2525 GUICHET_TEST_SMTP_MAILBOX=DIR");
    return url;
}

fs::path smtp_mailbox() {
    const char* dir = std::getenv("GUICHET_TEST_SMTP_MAILBOX");
    if (dir == nullptr || *dir == '\0')
        FAIL("GUICHET_TEST_SMTP_MAILBOX is not set: the Maildir of the aiosmtpd server (see scripts/test)");
    return dir;
}

// Unique across runs against the same mailbox, so a test never finds an older message.
std::string unique_message_id(const std::string& what) {
    static std::atomic<int> counter{0};
    const auto now = std::chrono::system_clock::now().time_since_epoch().count();
    return "<" + what + "." + std::to_string(::getpid()) + "." + std::to_string(now) + "." +
           std::to_string(counter++) + "@guichet.test>";
}

Envelope envelope(std::string recipient, std::string subject, std::string text, std::string id = {}) {
    if (id.empty()) id = unique_message_id("m");
    return Envelope{std::move(id), std::move(recipient), RenderedMessage{std::move(subject), std::move(text)}};
}

// A port nothing listens on: bound by the kernel, then released.
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "guichet-delivery-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    if (!fs::exists(dir)) return out;
    for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
    return out;
}

// ---------------------------------------------------------------------------------------------
// Child processes: Python's email parser, the SMS sink

// Runs argv, returns its stdout and exit status.
std::pair<std::string, int> run(const std::vector<std::string>& argv) {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    REQUIRE(spawned == 0);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {text, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

constexpr const char* decode_email_py = R"PY(
import email, json, sys
from email import policy
with open(sys.argv[1], 'rb') as f:
    raw = f.read()
msg = email.message_from_bytes(raw, policy=policy.default)
date = msg['Date']
print(json.dumps({
    'from': str(msg['From']), 'to': str(msg['To']), 'subject': str(msg['Subject']),
    'message_id': str(msg['Message-ID']), 'mime_version': str(msg['MIME-Version']),
    'rcpt_to': msg.get('X-RcptTo'), 'mail_from': msg.get('X-MailFrom'),
    'date_parsed': date is not None and date.datetime is not None,
    'content_type': msg.get_content_type(), 'charset': msg.get_content_charset(),
    'transfer_encoding': msg.get('Content-Transfer-Encoding'),
    'body': msg.get_content(),
    'defects': [type(d).__name__ for d in msg.defects] + [type(d).__name__ for h in msg.keys() for d in msg[h].defects],
}))
)PY";

// The email in `file` as Python's email package (policy.default) understands it.
json decode_email(const fs::path& file) {
    const auto [out, status] = run({"/usr/bin/python3", "-c", decode_email_py, file.string()});
    INFO("python email decoder output: " << out);
    REQUIRE(status == 0);
    return json::parse(out);
}

json decode_email_text(const std::string& text) {
    TempDir dir;
    const auto file = dir.path() / "message.eml";
    std::ofstream(file, std::ios::binary) << text;
    return decode_email(file);
}

// The aiosmtpd Maildir file holding `message_id` (aiosmtpd's Mailbox handler delivers into new/
// before it answers 250, so no waiting is needed; a short grace period covers slow disks).
std::optional<fs::path> find_in_mailbox(const fs::path& mailbox, const std::string& message_id,
                                        std::chrono::milliseconds wait = 2s) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    do {
        for (const auto& file : files_in(mailbox / "new"))
            if (read_file(file).find(message_id) != std::string::npos) return file;
        std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return std::nullopt;
}

struct HttpAnswer {
    int status = 0;
    std::string body;
};

// One HTTP/1.0 exchange with 127.0.0.1:port (the sink closes after each answer).
HttpAnswer http(int port, const std::string& method, const std::string& path, const std::string& body = {}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const std::string request = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n" +
                                "Content-Type: application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    HttpAnswer result;
    REQUIRE(answer.rfind("HTTP/1.", 0) == 0);
    result.status = std::stoi(answer.substr(9, 3));
    const auto blank = answer.find("\r\n\r\n");
    if (blank != std::string::npos) result.body = answer.substr(blank + 4);
    return result;
}

// test/support/sms_sink.py on a free port, stopped (SIGTERM) when the test ends.
class SmsSink {
public:
    SmsSink() {
        for (int attempt = 0; attempt < 3 && pid_ == 0; ++attempt) start(closed_port());
        REQUIRE(pid_ != 0);
    }
    ~SmsSink() {
        if (pid_ != 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        if (out_ >= 0) ::close(out_);
    }
    SmsSink(const SmsSink&) = delete;
    SmsSink& operator=(const SmsSink&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/sms"; }
    void control(const json& command) { REQUIRE(http(port_, "POST", "/_control", command.dump()).status == 200); }
    json messages() {
        const auto answer = http(port_, "GET", "/_messages");
        REQUIRE(answer.status == 200);
        return json::parse(answer.body);
    }

private:
    void start(int port) {
        int out[2];
        REQUIRE(::pipe(out) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        const std::string script = GUICHET_SOURCE_DIR "/test/support/sms_sink.py";
        const std::string port_text = std::to_string(port);
        const std::string log = (dir_.path() / "sms.jsonl").string();
        std::vector<std::string> argv{"/usr/bin/python3", script, "--port", port_text, "--log", log};
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        pid_t pid = 0;
        const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        REQUIRE(spawned == 0);

        // Wait for "ready"; end of output first means the port was taken meanwhile: try another.
        std::string seen;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (seen.find("ready\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            pollfd p{out[0], POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0) continue;
            char buffer[256];
            const ssize_t n = ::read(out[0], buffer, sizeof buffer);
            if (n <= 0) break;
            seen.append(buffer, static_cast<std::size_t>(n));
        }
        if (seen.find("ready\n") != std::string::npos) {
            pid_ = pid;
            port_ = port;
            out_ = out[0];
            return;
        }
        ::kill(pid, SIGTERM);
        int status = 0;
        ::waitpid(pid, &status, 0);
        ::close(out[0]);
    }

    TempDir dir_;
    pid_t pid_ = 0;
    int port_ = 0;
    int out_ = -1;
};

// ---------------------------------------------------------------------------------------------
// A scripted SMTP peer: one connection, the replies a test asks for, every command recorded.

struct SmtpScript {
    std::string greeting = "220 scripted ESMTP";
    std::vector<std::string> ehlo{"250-scripted", "250 AUTH PLAIN"};
    std::string auth = "235 2.7.0 Authentication successful";
    std::string mail = "250 2.1.0 OK";
    std::string rcpt = "250 2.1.5 OK";
    std::string data_end = "250 2.0.0 queued";
};

class ScriptedSmtpServer {
public:
    explicit ScriptedSmtpServer(SmtpScript script, in_addr_t bind_to = htonl(INADDR_LOOPBACK))
        : script_(std::move(script)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(listener_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = bind_to;
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
        REQUIRE(::listen(listener_, 4) == 0);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedSmtpServer() {
        if (thread_.joinable()) thread_.join();
        ::close(listener_);
    }
    ScriptedSmtpServer(const ScriptedSmtpServer&) = delete;
    ScriptedSmtpServer& operator=(const ScriptedSmtpServer&) = delete;

    int port() const { return port_; }
    // Commands received (first word, upper case; RCPT and MAIL in full). Waits for the session.
    std::vector<std::string> commands() {
        if (thread_.joinable()) thread_.join();
        return commands_;
    }

private:
    void serve() {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 10000) <= 0) return;
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        timeval timeout{10, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        std::string buffer;
        auto reply = [&](const std::string& line) {
            const std::string text = line + "\r\n";
            (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
        };
        auto next_line = [&]() -> std::optional<std::string> {
            for (;;) {
                const auto end = buffer.find("\r\n");
                if (end != std::string::npos) {
                    std::string line = buffer.substr(0, end);
                    buffer.erase(0, end + 2);
                    return line;
                }
                char chunk[4096];
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) return std::nullopt;
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
        };
        reply(script_.greeting);
        while (auto line = next_line()) {
            std::string verb = line->substr(0, line->find(' '));
            for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            commands_.push_back(verb == "MAIL" || verb == "RCPT" ? *line : verb);
            if (verb == "EHLO") {
                for (const auto& l : script_.ehlo) reply(l);
            } else if (verb == "HELO") {
                reply("250 scripted");
            } else if (verb == "AUTH") {
                if (line->find(' ', 5) == std::string::npos) {  // "AUTH PLAIN": credentials follow
                    reply("334 ");
                    if (!next_line()) break;
                }
                reply(script_.auth);
            } else if (verb == "MAIL") {
                reply(script_.mail);
            } else if (verb == "RCPT") {
                reply(script_.rcpt);
            } else if (verb == "DATA") {
                reply("354 End data with <CR><LF>.<CR><LF>");
                while (auto data = next_line())
                    if (*data == ".") break;
                commands_.push_back("<data>");
                reply(script_.data_end);
            } else if (verb == "QUIT") {
                reply("221 bye");
                break;
            } else if (verb == "RSET" || verb == "NOOP") {
                reply("250 OK");
            } else {
                reply("502 5.5.2 not implemented");
            }
        }
        ::close(fd);
    }

    SmtpScript script_;
    int listener_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::vector<std::string> commands_;
};

std::string scripted_url(const ScriptedSmtpServer& server, const std::string& host = "127.0.0.1") {
    return "smtp://" + host + ":" + std::to_string(server.port());
}

bool contains(const std::vector<std::string>& list, const std::string& prefix) {
    for (const auto& item : list)
        if (item.rfind(prefix, 0) == 0) return true;
    return false;
}

// An IPv4 address of this machine that is not loopback, if it has one.
std::optional<std::string> non_loopback_address() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return std::nullopt;
    std::optional<std::string> found;
    for (auto* i = list; i != nullptr && !found; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
        const auto* address = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
        if ((ntohl(address->sin_addr.s_addr) >> 24) == 127) continue;
        char text[INET_ADDRSTRLEN];
        if (::inet_ntop(AF_INET, &address->sin_addr, text, sizeof text) != nullptr) found = text;
    }
    ::freeifaddrs(list);
    return found;
}

const std::string accented_subject = "Votre code de sécurité – MGEN";
const std::string accented_body =
    "Bonjour Jérôme,\n\nVotre code de sécurité est 482193. Il est valable 30 minutes.\n"
    "Ne le communiquez à personne : l’équipe MGEN ne vous le demandera jamais.\n\nÀ bientôt,\nMGEN";

// What a decoder gets back from a text/plain body: the text in canonical form, CRLF line ends
// (RFC 2046 §4.1.1).
std::string crlf(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

infra::SmtpSettings smtp_settings(std::string url) {
    infra::SmtpSettings settings;
    settings.url = std::move(url);
    settings.from = "MGEN <no-reply@mgen.test>";
    settings.timeout = 5s;
    return settings;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The message format

TEST_CASE("an email is RFC 5322 text with an RFC 2047 subject and a base64 UTF-8 body", "[delivery]") {
    const std::string long_subject =
        "Réinitialisation de votre mot de passe – espace adhérent MGEN – « à faire » avant le 31 décembre 🙂";
    const auto env = envelope("jean.dupont@example.fr", long_subject, accented_body, "<42.outbox@guichet.example>");
    const auto date = std::chrono::system_clock::time_point(std::chrono::seconds(1741079100));  // 2025-03-04 09:05 UTC
    const std::string text = infra::format_email(env, "MGEN <no-reply@mgen.test>", date);

    // Every line ends with CRLF, no bare LF or CR, no line over 76 characters (RFC 2047 §2,
    // RFC 2045 §6.8), and the body is base64 in lines of at most 76 characters.
    std::size_t start = 0;
    std::vector<std::string> lines;
    while (start < text.size()) {
        const auto end = text.find("\r\n", start);
        REQUIRE(end != std::string::npos);
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    for (const auto& line : lines) {
        INFO(line);
        CHECK(line.size() <= 76);
        CHECK(line.find('\n') == std::string::npos);
        CHECK(line.find('\r') == std::string::npos);
    }
    CHECK(lines.at(0) == "Date: Tue, 04 Mar 2025 09:05:00 +0000");
    CHECK(lines.at(1) == "From: MGEN <no-reply@mgen.test>");
    CHECK(lines.at(2) == "To: jean.dupont@example.fr");
    CHECK(text.find("\r\nMessage-ID: <42.outbox@guichet.example>\r\n") != std::string::npos);
    CHECK(text.find("\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n") != std::string::npos);

    // The subject: encoded words of at most 75 characters, on folded lines.
    const auto subject_at = text.find("Subject: ");
    const auto subject_end = text.find("\r\nMessage-ID:");
    const std::string subject = text.substr(subject_at + 9, subject_end - subject_at - 9);
    std::istringstream words(subject);
    int count = 0;
    for (std::string word; words >> word; ++count) {
        INFO(word);
        CHECK(word.rfind("=?UTF-8?B?", 0) == 0);
        CHECK(word.size() >= 12);
        CHECK(word.substr(word.size() - 2) == "?=");
        CHECK(word.size() <= 75);
    }
    CHECK(count >= 2);  // long enough to need several words

    // An independent decoder gets back exactly what went in.
    const json decoded = decode_email_text(text);
    CHECK(decoded["subject"] == long_subject);
    CHECK(decoded["body"] == crlf(accented_body));
    CHECK(decoded["charset"] == "utf-8");
    CHECK(decoded["content_type"] == "text/plain");
    CHECK(decoded["transfer_encoding"] == "base64");
    CHECK(decoded["date_parsed"] == true);
    CHECK(decoded["defects"].empty());

    // A short ASCII subject stays readable; control characters never reach a header.
    CHECK(infra::encode_subject("Votre code") == "Votre code");
    CHECK(infra::encode_subject("a\r\nBcc: x@y.fr") == "a  Bcc: x@y.fr");
    CHECK(infra::encode_subject("=?UTF-8?B?x?=").rfind("=?UTF-8?B?", 0) == 0);  // encoded, not passed off as a word
}

// ---------------------------------------------------------------------------------------------
// SMTP against aiosmtpd

TEST_CASE("SmtpSender delivers a UTF-8 email to a real SMTP server", "[delivery][smtp]") {
    const auto url = smtp_url();
    const auto mailbox = smtp_mailbox();
    infra::SmtpSender sender(smtp_settings(url));
    const auto env = envelope("marie.curie@example.fr", accented_subject, accented_body, unique_message_id("utf8"));

    const auto result = sender.send(env);
    INFO(result.error);
    REQUIRE(result.outcome == SendOutcome::sent);
    CHECK(result.error.empty());

    const auto file = find_in_mailbox(mailbox, env.message_id);
    REQUIRE(file);
    const json decoded = decode_email(*file);
    CHECK(decoded["rcpt_to"] == "marie.curie@example.fr");  // SMTP envelope recipient
    CHECK(decoded["mail_from"] == "no-reply@mgen.test");     // envelope sender: the address of from
    CHECK(decoded["to"] == "marie.curie@example.fr");
    CHECK(decoded["from"] == "MGEN <no-reply@mgen.test>");
    CHECK(decoded["subject"] == accented_subject);
    CHECK(decoded["body"] == crlf(accented_body));
    CHECK(decoded["message_id"] == env.message_id);  // stable id: a duplicate after a retry is recognisable
    CHECK(decoded["mime_version"] == "1.0");
    CHECK(decoded["charset"] == "utf-8");
    CHECK(decoded["date_parsed"] == true);
}

TEST_CASE("SmtpSender is safe to call from several threads at once", "[delivery][smtp]") {
    const auto url = smtp_url();
    const auto mailbox = smtp_mailbox();
    infra::SmtpSender sender(smtp_settings(url));
    std::vector<Envelope> envelopes;
    for (int i = 0; i < 8; ++i)
        envelopes.push_back(envelope("membre" + std::to_string(i) + "@example.fr", accented_subject,
                                     "message " + std::to_string(i), unique_message_id("parallel")));
    std::vector<SendResult> results(envelopes.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < envelopes.size(); ++i)
        threads.emplace_back([&, i] { results[i] = sender.send(envelopes[i]); });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < envelopes.size(); ++i) {
        INFO(results[i].error);
        CHECK(results[i].outcome == SendOutcome::sent);
        const auto file = find_in_mailbox(mailbox, envelopes[i].message_id);
        REQUIRE(file);
        CHECK(decode_email(*file)["body"] == "message " + std::to_string(i));
    }
}

TEST_CASE("SmtpSender: an unreachable server is a retry", "[delivery][smtp]") {
    auto settings = smtp_settings("smtp://127.0.0.1:" + std::to_string(closed_port()));
    infra::SmtpSender sender(settings);
    const auto result = sender.send(envelope("jean@example.fr", "Code", "123456"));
    CHECK(result.outcome == SendOutcome::retry);
    INFO(result.error);
    CHECK(result.error.find("SMTP") != std::string::npos);
    CHECK(result.error.find("onnect") != std::string::npos);  // curl's "Couldn't connect to server"
    CHECK(result.error.find("jean@example.fr") == std::string::npos);
    CHECK(result.error.find("123456") == std::string::npos);
}

TEST_CASE("SmtpSender: a recipient with CR/LF is permanent and nothing is sent", "[delivery][smtp]") {
    const auto url = smtp_url();
    const auto mailbox = smtp_mailbox();
    infra::SmtpSender sender(smtp_settings(url));
    const std::vector<std::string> recipients{
        "jean@example.fr\r\nBcc: pirate@evil.test", "jean@example.fr\nX: y", std::string("jean@example.fr\0x", 17),
        "jean@example.fr\t", "<jean@example.fr>", "jean@example.fr, pirate@evil.test", ""};
    for (const auto& recipient : recipients) {
        const auto env = envelope(recipient, "Code", "Votre code : 654321", unique_message_id("crlf"));
        const auto result = sender.send(env);
        INFO(result.error);
        CHECK(result.outcome == SendOutcome::permanent);
        CHECK(result.error.find("pirate") == std::string::npos);
        CHECK_FALSE(find_in_mailbox(mailbox, env.message_id, 0ms));
    }

    // A from with CR/LF is a configuration error: refused at start-up, before any message.
    auto bad_from = smtp_settings(url);
    bad_from.from = "no-reply@mgen.test\r\nBcc: pirate@evil.test";
    CHECK_THROWS_AS(infra::SmtpSender(bad_from), std::invalid_argument);
    auto bad_url = smtp_settings("http://127.0.0.1:25");
    CHECK_THROWS_AS(infra::SmtpSender(bad_url), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// SMTP replies aiosmtpd does not give: a scripted peer

TEST_CASE("SmtpSender classifies SMTP replies: 5xx on the message is permanent, the rest retries",
          "[delivery][smtp]") {
    const auto env = envelope("jean@example.fr", "Code", "Votre code : 777111");
    struct Case {
        const char* name;
        SmtpScript script;
        SendOutcome expected;
        const char* code;
    };
    std::vector<Case> cases;
    {
        SmtpScript s;
        s.rcpt = "550 5.1.1 <jean@example.fr>: Recipient address rejected: User unknown";
        cases.push_back({"RCPT 550", s, SendOutcome::permanent, "550"});
    }
    {
        SmtpScript s;
        s.rcpt = "450 4.2.1 <jean@example.fr>: mailbox busy";
        cases.push_back({"RCPT 450", s, SendOutcome::retry, "450"});
    }
    {
        SmtpScript s;
        s.data_end = "554 5.7.1 message refused";
        cases.push_back({"end of data 554", s, SendOutcome::permanent, "554"});
    }
    {
        SmtpScript s;
        s.data_end = "451 4.3.0 try again later";
        cases.push_back({"end of data 451", s, SendOutcome::retry, "451"});
    }
    {
        SmtpScript s;
        s.mail = "421 4.7.0 too many connections";
        cases.push_back({"MAIL 421", s, SendOutcome::retry, "421"});
    }
    {
        SmtpScript s;
        s.greeting = "554 5.7.1 no service for you";
        cases.push_back({"greeting 554 (the session, not the message)", s, SendOutcome::retry, "554"});
    }
    {
        SmtpScript s;
        s.auth = "535 5.7.8 authentication failed";
        cases.push_back({"AUTH 535 (our credentials, not the message)", s, SendOutcome::retry, "535"});
    }
    for (auto& c : cases) {
        SECTION(c.name) {
            ScriptedSmtpServer server(c.script);
            auto settings = smtp_settings(scripted_url(server));
            settings.user = "guichet";
            settings.password = "s3cret";
            const auto result = infra::SmtpSender(settings).send(env);
            INFO(result.error);
            CHECK(result.outcome == c.expected);
            CHECK(result.error.find(c.code) != std::string::npos);  // operators see the reply code
            CHECK(result.error.find("jean@example.fr") == std::string::npos);
            CHECK(result.error.find("777111") == std::string::npos);
            CHECK(result.error.find("s3cret") == std::string::npos);
            (void)server.commands();
        }
    }
}

TEST_CASE("SmtpSender authenticates on loopback without TLS but never sends credentials in clear elsewhere",
          "[delivery][smtp]") {
    const auto env = envelope("jean@example.fr", "Code", "Votre code : 777111");

    SECTION("loopback relay without STARTTLS: credentials used, message sent") {
        ScriptedSmtpServer server({});
        auto settings = smtp_settings(scripted_url(server));
        settings.user = "guichet";
        settings.password = "s3cret";
        const auto result = infra::SmtpSender(settings).send(env);
        INFO(result.error);
        CHECK(result.outcome == SendOutcome::sent);
        const auto commands = server.commands();
        CHECK(contains(commands, "AUTH"));
        CHECK(contains(commands, "<data>"));
    }
    SECTION("no credentials: STARTTLS is optional, the message goes") {
        const auto address = non_loopback_address();
        REQUIRE(address);  // the test machine has a network interface
        ScriptedSmtpServer server({}, htonl(INADDR_ANY));
        const auto result = infra::SmtpSender(smtp_settings(scripted_url(server, *address))).send(env);
        INFO(result.error);
        CHECK(result.outcome == SendOutcome::sent);
        CHECK_FALSE(contains(server.commands(), "AUTH"));
    }
    SECTION("credentials to a remote server without STARTTLS: retry, nothing sent") {
        const auto address = non_loopback_address();
        REQUIRE(address);
        ScriptedSmtpServer server({}, htonl(INADDR_ANY));
        auto settings = smtp_settings(scripted_url(server, *address));
        settings.user = "guichet";
        settings.password = "s3cret";
        const auto result = infra::SmtpSender(settings).send(env);
        INFO(result.error);
        CHECK(result.outcome == SendOutcome::retry);
        CHECK(result.error.find("STARTTLS") != std::string::npos);
        const auto commands = server.commands();
        CHECK_FALSE(contains(commands, "AUTH"));
        CHECK_FALSE(contains(commands, "MAIL"));
    }
}

// ---------------------------------------------------------------------------------------------
// SMS against the sink

namespace {
infra::SmsSettings sms_settings(const SmsSink& sink) {
    infra::SmsSettings settings;
    settings.url = sink.url();
    settings.token = "tok-123";
    settings.sender = "MGEN";
    settings.timeout = 3s;
    return settings;
}
}  // namespace

TEST_CASE("HttpSmsSender posts the documented JSON with the bearer token", "[delivery][sms]") {
    SmsSink sink;
    infra::HttpSmsSender sender(sms_settings(sink));
    const auto env = envelope("+33612345678", "", "Votre code MGEN : 482193. \"Ne le donnez à personne\"\n– MGEN");
    const auto result = sender.send(env);
    INFO(result.error);
    CHECK(result.outcome == SendOutcome::sent);

    const json messages = sink.messages();
    REQUIRE(messages.size() == 1);
    const auto& m = messages[0];
    CHECK(m["path"] == "/v1/sms");
    CHECK(m["authorization"] == "Bearer tok-123");
    CHECK(m["content_type"] == "application/json");
    CHECK(m["idempotency_key"] == env.message_id);  // the same across retries
    CHECK(m["body"] ==
          "{\"to\":\"+33612345678\",\"text\":\"Votre code MGEN : 482193. \\\"Ne le donnez à personne\\\"\\n– MGEN\","
          "\"sender\":\"MGEN\"}");
    CHECK(m["json"] == json{{"to", "+33612345678"}, {"text", env.content.text}, {"sender", "MGEN"}});

    SECTION("without a token, no Authorization header") {
        auto settings = sms_settings(sink);
        settings.token.reset();
        CHECK(infra::HttpSmsSender(settings).send(env).outcome == SendOutcome::sent);
        CHECK(sink.messages().at(1)["authorization"].is_null());
    }
}

TEST_CASE("HttpSmsSender: 5xx is a retry, 4xx permanent, throttling and auth errors retry", "[delivery][sms]") {
    SmsSink sink;
    infra::HttpSmsSender sender(sms_settings(sink));
    const auto env = envelope("+33612345678", "", "Votre code : 918273");
    sink.control({{"statuses", {500, 503, 400, 422, 429, 401, 200}}});
    const std::vector<std::pair<SendOutcome, std::string>> expected{
        {SendOutcome::retry, "500"},     {SendOutcome::retry, "503"},     {SendOutcome::permanent, "400"},
        {SendOutcome::permanent, "422"}, {SendOutcome::retry, "429"},     {SendOutcome::retry, "401"},
        {SendOutcome::sent, ""}};
    for (const auto& [outcome, status] : expected) {
        const auto result = sender.send(env);
        INFO("scripted status " << status << ": " << result.error);
        CHECK(result.outcome == outcome);
        CHECK(result.error.find(status) != std::string::npos);  // the status is recorded for operators
        CHECK(result.error.find("+33612345678") == std::string::npos);
        CHECK(result.error.find("918273") == std::string::npos);
        CHECK(result.error.find("tok-123") == std::string::npos);
    }
    CHECK(sink.messages().size() == expected.size());  // each attempt reached the provider
}

TEST_CASE("HttpSmsSender: a provider slower than the timeout is a retry", "[delivery][sms]") {
    SmsSink sink;
    sink.control({{"delay_ms", 3000}});
    auto settings = sms_settings(sink);
    settings.timeout = 300ms;
    infra::HttpSmsSender sender(settings);
    const auto started = std::chrono::steady_clock::now();
    const auto result = sender.send(envelope("+33612345678", "", "Votre code : 123456"));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    INFO(result.error);
    CHECK(result.outcome == SendOutcome::retry);
    CHECK(result.error.find("imeout") != std::string::npos);  // curl's "Timeout was reached"
    CHECK(elapsed < 2s);  // the dispatcher thread is not held by a slow provider
}

TEST_CASE("HttpSmsSender: connection refused is a retry, a bad number is permanent and not sent",
          "[delivery][sms]") {
    infra::SmsSettings settings;
    settings.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/sms";
    settings.sender = "MGEN";
    const auto refused = infra::HttpSmsSender(settings).send(envelope("+33612345678", "", "x"));
    INFO(refused.error);
    CHECK(refused.outcome == SendOutcome::retry);
    CHECK(refused.error.find("onnect") != std::string::npos);

    SmsSink sink;
    infra::HttpSmsSender sender(sms_settings(sink));
    for (const std::string bad : {"0612345678", "+33 6 12 34 56 78", "+336123\r\n", "", "+0612345678"}) {
        const auto result = sender.send(envelope(bad, "", "x"));
        CHECK(result.outcome == SendOutcome::permanent);
    }
    CHECK(sink.messages().empty());

    settings.url = "ftp://127.0.0.1/sms";
    CHECK_THROWS_AS(infra::HttpSmsSender(settings), std::invalid_argument);
    settings.url = sink.url();
    settings.token = "abc\r\nX-Injected: 1";
    CHECK_THROWS_AS(infra::HttpSmsSender(settings), std::invalid_argument);
}

TEST_CASE("sms_sink.py rejects a malformed control command", "[delivery][sms]") {
    SmsSink sink;
    CHECK(http(sink.port(), "POST", "/_control", R"({"statuses":"x"})").status == 400);
    CHECK(http(sink.port(), "POST", "/_control", R"({"delay_ms":-1})").status == 400);
    CHECK(http(sink.port(), "GET", "/nothing").status == 404);
}

// ---------------------------------------------------------------------------------------------
// Local senders

TEST_CASE("MailboxDirSender writes each email as the RFC 5322 file SMTP would send", "[delivery][local]") {
    TempDir temp;
    const auto dir = temp.path() / "data" / "mail";  // created on demand
    infra::MailboxDirSender sender(dir, "MGEN <no-reply@mgen.test>");
    const auto env = envelope("marie.curie@example.fr", accented_subject, accented_body, "<42.outbox@guichet.example>");

    const auto result = sender.send(env);
    INFO(result.error);
    REQUIRE(result.outcome == SendOutcome::sent);
    auto files = files_in(dir);
    REQUIRE(files.size() == 2);  // the message and its readable copy, no temporary file left behind
    std::sort(files.begin(), files.end());
    const auto readable = read_file(files[1]);
    CHECK(files[1].extension() == ".txt");
    CHECK(files[1].stem() == files[0].stem());
    CHECK(readable.find("To: marie.curie@example.fr\n") != std::string::npos);
    CHECK(readable.find("Subject: " + accented_subject + "\n") != std::string::npos);
    CHECK(readable.find(accented_body) != std::string::npos);  // as written, not base64
    CHECK((fs::status(files[1]).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
    const auto name = files[0].filename().string();
    const std::string suffix = "Z-42.outbox@guichet.example.eml";
    REQUIRE(name.size() > suffix.size());
    CHECK(name.substr(name.size() - suffix.size()) == suffix);
    CHECK(name[8] == 'T');  // 20250304T091500.123456Z-…
    CHECK((fs::status(files[0]).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);

    const json decoded = decode_email(files[0]);
    CHECK(decoded["to"] == "marie.curie@example.fr");
    CHECK(decoded["subject"] == accented_subject);
    CHECK(decoded["body"] == crlf(accented_body));
    CHECK(decoded["message_id"] == "<42.outbox@guichet.example>");
    CHECK(decoded["defects"].empty());

    // The same formatting as SMTP: identical text but for the Date line.
    const std::string written = read_file(files[0]);
    const std::string formatted = infra::format_email(env, "MGEN <no-reply@mgen.test>");
    CHECK(written.substr(written.find("\r\n")) == formatted.substr(formatted.find("\r\n")));

    SECTION("a hostile message id stays inside the folder") {
        const auto hostile = envelope("a@example.fr", "s", "t", "<../../etc/passwd>");
        REQUIRE(sender.send(hostile).outcome == SendOutcome::sent);
        CHECK(files_in(dir).size() == 4);
        CHECK(files_in(temp.path()).size() == 1);
    }
    SECTION("a recipient with CR/LF is permanent, nothing written") {
        const auto r = sender.send(envelope("a@example.fr\r\nBcc: pirate@evil.test", "s", "t"));
        CHECK(r.outcome == SendOutcome::permanent);
        CHECK(files_in(dir).size() == 2);
    }
    SECTION("an I/O error is a retry with the system's reason") {
        const auto blocked = temp.path() / "blocked";
        std::ofstream(blocked) << "a file where the folder should be";
        infra::MailboxDirSender broken(blocked / "mail");
        const auto r = broken.send(env);
        INFO(r.error);
        CHECK(r.outcome == SendOutcome::retry);
        CHECK(r.error.find("blocked") != std::string::npos);
        CHECK(r.error.find("marie.curie") == std::string::npos);
    }
}

TEST_CASE("SmsFileSender appends one JSON line per SMS, whole, from many threads", "[delivery][local]") {
    TempDir temp;
    const auto file = temp.path() / "data" / "sms.log";
    infra::SmsFileSender sender(file, "MGEN");

    const auto first = envelope("+33612345678", "", "Votre code : 482193\n– MGEN", "<1.outbox@guichet.example>");
    REQUIRE(sender.send(first).outcome == SendOutcome::sent);
    {
        std::ifstream in(file);
        std::string line;
        REQUIRE(std::getline(in, line));
        CHECK(line ==
              R"({"to":"+33612345678","text":"Votre code : 482193\n– MGEN","sender":"MGEN","message_id":"<1.outbox@guichet.example>"})");
        CHECK_FALSE(std::getline(in, line));
    }

    constexpr int threads = 8, per_thread = 25;
    std::vector<std::thread> workers;
    std::atomic<int> failures{0};
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const auto env = envelope("+3361234567" + std::to_string(t), "", std::string(500, static_cast<char>('a' + t)),
                                          "<" + std::to_string(t) + "." + std::to_string(i) + "@t>");
                if (sender.send(env).outcome != SendOutcome::sent) ++failures;
            }
        });
    for (auto& w : workers) w.join();
    CHECK(failures == 0);

    std::ifstream in(file);
    int lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
        const json parsed = json::parse(line);  // throws on an interleaved line
        CHECK(parsed["text"].get<std::string>().size() == (lines == 0 ? first.content.text.size() : 500));
    }
    CHECK(lines == 1 + threads * per_thread);

    SECTION("a bad number is permanent; an I/O error is a retry") {
        CHECK(sender.send(envelope("0612345678", "", "x")).outcome == SendOutcome::permanent);
        infra::SmsFileSender broken(temp.path() / "data", "MGEN");  // a folder, not a file
        const auto r = broken.send(first);
        INFO(r.error);
        CHECK(r.outcome == SendOutcome::retry);
        CHECK(r.error.find("data") != std::string::npos);
    }
}
