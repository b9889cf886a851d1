// The baseline of bench/me.sh: the same Pistache 0.0.5 as guichet, one GET route answering a
// fixed JSON body (the bytes guichet answered to GET /v1/me in the same run) from its event-loop
// threads, with nothing else: no worker pool, no token check, no database, no access log.
// Usage: bare_pistache PORT BODY_FILE [THREADS=2]
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

using namespace Pistache;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " PORT BODY_FILE [THREADS=2]\n";
        return 2;
    }
    const auto port = static_cast<uint16_t>(std::atoi(argv[1]));
    std::ifstream in(argv[2], std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const std::string body = content.str();
    const int threads = argc > 3 ? std::atoi(argv[3]) : 2;

    Rest::Router router;
    Rest::Routes::Get(router, "/v1/me", [&body](const Rest::Request&, Http::ResponseWriter response) {
        response.send(Http::Code::Ok, body, MIME(Application, Json));
        return Rest::Route::Result::Ok;
    });

    Http::Endpoint endpoint(Address(Ipv4::loopback(), Port(port)));
    endpoint.init(Http::Endpoint::options().threads(threads).flags(Tcp::Options::ReuseAddr));
    endpoint.setHandler(router.handler());
    endpoint.serve();  // until killed
}
