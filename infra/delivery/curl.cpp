#include "infra/delivery/curl.hpp"

#include <mutex>
#include <new>

namespace guichet::infra {

void ensure_curl() {
    static std::once_flag once;
    static CURLcode status = CURLE_OK;
    std::call_once(once, [] { status = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (status != CURLE_OK)
        throw std::runtime_error(std::string("libcurl initialisation failed: ") + curl_easy_strerror(status));
}

CurlEasy make_curl_easy() {
    ensure_curl();
    CurlEasy handle(curl_easy_init());
    if (!handle) throw std::runtime_error("libcurl: cannot create an easy handle");
    set_option(handle.get(), CURLOPT_NOSIGNAL, 1L);
    return handle;
}

void append(CurlSlist& list, const std::string& item) {
    curl_slist* extended = curl_slist_append(list.get(), item.c_str());
    if (extended == nullptr) throw std::bad_alloc();
    (void)list.release();  // curl_slist_append returned the same head (or a new one if empty)
    list.reset(extended);
}

}  // namespace guichet::infra
