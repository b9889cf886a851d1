// Request handling through the whole app (api/http/app.hpp), without a socket: any method, path,
// query, headers and body, several requests in a row (the format of app_world.hpp), over the
// in-memory services. Each answer is checked by AppWorld::check.
#include "app_world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    guichet::fuzz::AppWorld world;
    for (const auto text : guichet::fuzz::requests_of(guichet::fuzz::text_of(data, size)))
        world.call(world.request_of(text));
    return 0;
}
