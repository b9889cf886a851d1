#pragma once
// The route table: method + pattern ("/v1/flows/{id}") → handler. Matching tells an unknown path
// (404) from a known path with another method (405, with the allowed methods).
#include <functional>
#include <string>
#include <vector>

#include "api/http/message.hpp"

namespace guichet::api {

enum class Body { none, json_object, json_array };
enum class Access { public_, admin };

using Handler = std::function<HttpResponse(const HttpRequest&)>;

struct Route {
    std::string method;
    std::string pattern;
    Body body;
    Access access;
    Handler handler;
};

class Router {
public:
    void add(std::string method, std::string pattern, Body body, Access access, Handler handler);

    struct Match {
        const Route* route = nullptr;                // null: no route for this method and path
        std::map<std::string, std::string> params;
        std::vector<std::string> allowed;            // methods of the path, when only the method is wrong
    };
    Match match(const std::string& method, const std::string& path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace guichet::api
