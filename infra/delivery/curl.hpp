#pragma once
// libcurl plumbing shared by the SMTP and SMS senders: global initialisation done once, and
// owning handles. An easy handle is used by one thread at a time (the dispatcher calls send()
// from several threads); the SMTP sender keeps idle ones, with their connection, between sends.
#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace guichet::infra {

// curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process, whatever thread asks first.
// Throws std::runtime_error if libcurl cannot initialise. Never cleaned up: senders may run
// until exit, and curl_global_cleanup while another thread uses libcurl is undefined.
void ensure_curl();

struct CurlEasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// A fresh easy handle with CURLOPT_NOSIGNAL set (timeouts must not use SIGALRM in a threaded
// process). Throws std::runtime_error on failure.
CurlEasy make_curl_easy();

// Appends a copy of `item`; throws std::bad_alloc on failure.
void append(CurlSlist& list, const std::string& item);

// curl_easy_setopt that throws std::runtime_error naming the option when libcurl refuses it
// (an option this libcurl build does not support would otherwise be silently ignored).
template <typename T>
void set_option(CURL* handle, CURLoption option, T value) {
    const CURLcode code = curl_easy_setopt(handle, option, value);
    if (code != CURLE_OK)
        throw std::runtime_error(std::string("libcurl option ") + std::to_string(static_cast<int>(option)) +
                                 " refused: " + curl_easy_strerror(code));
}

}  // namespace guichet::infra
