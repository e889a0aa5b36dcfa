// <cookiejar/sync.hpp> promises that standard headers included AFTER it keep working,
// in every backend. The model backend includes Relacy, which #defines new, delete,
// malloc, free, assert, errno and memory_order_*: if one of those leaked, this file
// would not compile (a `= delete` member, a new-expression, std::memory_order_relaxed),
// or would behave differently (assert, errno). Built in the std, unit and model analyses.
#include <cookiejar/sync.hpp>  // first, as lessons do

#include <array>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

// A type a lesson might write: not copyable, movable, with a deleted special member.
class tray {
public:
    explicit tray(std::size_t n) : cookies_(std::make_unique<std::vector<int>>(n, 1)) {}
    tray(const tray&) = delete;
    tray& operator=(const tray&) = delete;
    tray(tray&&) noexcept = default;
    tray& operator=(tray&&) noexcept = default;
    ~tray() = default;

    [[nodiscard]] std::size_t count() const { return cookies_->size(); }

private:
    std::unique_ptr<std::vector<int>> cookies_;
};

static_assert(!std::is_copy_constructible_v<tray>);
static_assert(std::is_nothrow_move_constructible_v<tray>);

}  // namespace

TEST_CASE("standard headers included after cookiejar/sync.hpp keep their meaning", LIBRARY_TAGS) {
    // new and delete are the language's
    int* one = new int(7);
    const int value = *one;
    delete one;
    int* many = new int[3]{1, 2, 3};
    const int last = many[2];
    delete[] many;
    CHECK(value == 7);
    CHECK(last == 3);

    // malloc and free are the C library's
    void* raw = std::malloc(16);
    REQUIRE(raw != nullptr);
    std::free(raw);

    // containers, smart pointers, optional, exceptions
    tray t(4);
    tray moved(std::move(t));
    CHECK(moved.count() == 4);
    std::deque<int> queue{1, 2};
    queue.push_back(3);
    std::vector<std::optional<int>> slots(2);
    slots[1] = queue.front();
    std::array<int, 2> pair{5, 6};
    CHECK(queue.size() == 3);
    CHECK(slots[1] == 1);
    CHECK_FALSE(slots[0].has_value());
    CHECK(pair[1] == 6);
    CHECK_THROWS_AS(std::vector<int>().at(1), std::out_of_range);
    auto shared = std::make_shared<std::string>("cookie");
    CHECK(*shared == "cookie");

    // atomics and their memory orders
    std::atomic<int> counter{0};
    counter.fetch_add(2, std::memory_order_relaxed);
    counter.fetch_add(1, std::memory_order_seq_cst);
    CHECK(counter.load(std::memory_order_acquire) == 3);

    // the standard mutex still works next to cj::mutex
    std::mutex plain;
    std::unique_lock<std::mutex> lock(plain, std::try_to_lock);
    CHECK(lock.owns_lock());

    // assert is the standard macro (true: no effect), errno the C library's
    assert(counter.load() == 3);
    errno = 0;
    std::strtol("99999999999999999999999999", nullptr, 10);
    CHECK(errno == ERANGE);
}

TEST_CASE("cj::backend_name says which backend this build uses", LIBRARY_TAGS) {
    const std::string name = cj::backend_name;
#if defined(COOKIEJAR_MODEL)
    CHECK(name == "model");
#elif defined(COOKIEJAR_STRESS)
    CHECK(name == "stress");
#else
    CHECK(name == "std");
#endif
}
