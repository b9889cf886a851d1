// What /metrics costs a request (issue 15): ns per Metrics::observe, on 1 and 2 threads at once.
// Build and run (after the Release build):
//   g++ -std=c++2b -O2 -I. -Ibuild/release/api bench/metrics_observe.cpp build/release/api/libapi.a \
//       -lprometheus-cpp-core -lpthread -o build/metrics_observe && build/metrics_observe
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>
#include "api/metrics/metrics.hpp"
using namespace guichet::api;
int main() {
    Metrics m;
    HttpRequest r; r.method = "GET"; r.route = "/v1/me";
    HttpResponse ok; ok.status = 200;
    const int n = 2000000;
    for (int threads : {1, 2}) {
        auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> ts;
        for (int t = 0; t < threads; ++t) ts.emplace_back([&] { for (int i = 0; i < n; ++i) m.observe(r, ok, std::chrono::microseconds(300)); });
        for (auto& t : ts) t.join();
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%d thread(s): %.0f ns per observe (wall / calls per thread)\n", threads, s * 1e9 / n);
    }
}
