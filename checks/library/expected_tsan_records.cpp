// Test cases that must END THE PROCESS with a ThreadSanitizer report, for the record
// that report becomes (checks/common/tsan_report.cpp). They are hidden ([.]) and run one
// at a time by tsan_records_test.cpp, which gives each a record file and a token, then
// reads the record and compares it with these lines and with ThreadSanitizer's own
// printed report.
//
// MARK(...) comments tag the lines a record must name; the test finds them by text.
// The racy objects live on the heap: ThreadSanitizer misses some races on an inlined
// object on the stack (docs/how-the-checks-work.md).
#include <cookiejar/sync.hpp>
#include <cookiejar/verdict.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include <cookiejar/catch.hpp>

namespace {

// A counter with one way to touch it for each case: with or without a lock, and which.
class tally {
public:
    void add_locked() {
        std::lock_guard<cj::mutex> lock(mutex_);  // MARK(mutex_ locked in add_locked)
        ++count_;                                  // MARK(write under mutex_)
    }
    void add_unlocked() {
        ++count_;  // MARK(unlocked write)
    }
    [[nodiscard]] long read_unlocked() const {
        return count_;  // MARK(unlocked read)
    }
    [[nodiscard]] long read_locked() const {
        std::lock_guard<cj::mutex> lock(mutex_);  // MARK(mutex_ locked in read_locked)
        return count_;                             // MARK(read under mutex_)
    }
    [[nodiscard]] long read_under_other() const {
        std::lock_guard<cj::mutex> lock(other_);  // MARK(other_ locked)
        return count_;                             // MARK(read under other_)
    }

private:
    mutable cj::mutex mutex_;
    mutable cj::mutex other_;
    long count_ = 0;  // guarded by nothing in particular: each case decides
};

// The writer's access comes first and the reader's second, ordered only by a relaxed
// flag (no happens-before edge), so ThreadSanitizer reports at the reader's access: the
// report's first access is the reader's, the "previous" one the writer's.
template <class Write, class Read>
void race(const char* writer_name, const char* reader_name, Write write, Read read) {
    cj::verdict::take_sink_from_environment();
    const auto shared = std::make_unique<tally>();
    std::atomic<bool> written{false};
    std::atomic<long> seen{0};  // keeps the read (the optimiser drops an unused one)
    std::thread writer([&] {
        cj::stress::name_this_thread(writer_name);
        write(*shared);
        written.store(true, std::memory_order_relaxed);
    });
    std::thread reader([&] {
        cj::stress::name_this_thread(reader_name);
        while (!written.load(std::memory_order_relaxed)) std::this_thread::yield();
        seen.store(read(*shared), std::memory_order_relaxed);
    });
    writer.join();
    reader.join();
}

struct two_mutexes {
    cj::mutex a;
    cj::mutex b;
    void a_then_b() {
        std::lock_guard<cj::mutex> first(a);   // MARK(a locked first)
        std::lock_guard<cj::mutex> second(b);  // MARK(b locked while holding a)
    }
    void b_then_a() {
        std::lock_guard<cj::mutex> first(b);   // MARK(b locked first)
        std::lock_guard<cj::mutex> second(a);  // MARK(a locked while holding b)
    }
};

}  // namespace

// Expected record: the reader's access holds nothing; the writer's holds mutex_, made
// where add_locked first locked it. The reader's name is longer than the kernel keeps.
TEST_CASE("an unlocked read races with a write under a cj::mutex", "[.][library][stress]") {
    race("writer", "the unlocked reader", [](tally& t) { t.add_locked(); },
         [](tally& t) { return t.read_unlocked(); });
    FAIL("ThreadSanitizer did not report the race");
}

// Expected record: the reader's access (the report's own thread) holds mutex_; the
// writer's holds nothing.
TEST_CASE("a read under a cj::mutex races with an unlocked write", "[.][library][stress]") {
    race("unlocked writer", "locked reader", [](tally& t) { t.add_unlocked(); },
         [](tally& t) { return t.read_locked(); });
    FAIL("ThreadSanitizer did not report the race");
}

// Expected record: each access holds its own mutex: the reader other_, the writer mutex_.
TEST_CASE("two accesses under different cj::mutexes race", "[.][library][stress]") {
    race("writer", "reader", [](tally& t) { t.add_locked(); }, [](tally& t) { return t.read_under_other(); });
    FAIL("ThreadSanitizer did not report the race");
}

// Expected record: a lock-order inversion with both edges, though the two threads never
// ran at the same time (ThreadSanitizer predicts the deadlock from the orders).
TEST_CASE("two cj::mutexes locked in opposite orders", "[.][library][stress]") {
    cj::verdict::take_sink_from_environment();
    const auto pair = std::make_unique<two_mutexes>();
    std::thread first([&] {
        cj::stress::name_this_thread("first locker");
        pair->a_then_b();
    });
    first.join();
    std::thread second([&] {
        cj::stress::name_this_thread("second locker");
        pair->b_then_a();
    });
    second.join();
    FAIL("ThreadSanitizer did not report the lock-order inversion");
}

// Expected: exit 66 and ThreadSanitizer's record, nothing of the relock. A thread relocks
// a cj::mutex while ThreadSanitizer is still making the report of a race found a moment
// before (its symbolizer takes a tenth of a second and more): the relock detector waits
// for that report (detail/quiet_ending.hpp) instead of ending the process under it, which
// left a half-made report and the symbolizer's "LLVM ERROR: ... Broken pipe".
// The relocker takes its mutex before the race: its second lock() then reaches the relock
// detector without first passing ThreadSanitizer's own pthread_mutex_lock, which can wait
// for the report by itself and would hide a missing wait. Measured: with clang 14 the
// test fails without the wait, every time; with g++ 12's libtsan the relock's own
// printing already waits for the report inside the runtime, so there it passes either way.
TEST_CASE("a relock while ThreadSanitizer reports a race leaves the report whole", "[.][library][stress]") {
    cj::verdict::take_sink_from_environment();
    const auto shared = std::make_unique<tally>();
    const auto relocked = std::make_unique<cj::mutex>();
    std::atomic<bool> holding{false};
    std::atomic<bool> written{false};
    std::atomic<bool> reading{false};
    std::atomic<long> seen{0};
    std::thread relocker([&] {
        cj::stress::name_this_thread("relocker");
        relocked->lock();
        holding.store(true, std::memory_order_relaxed);
        while (!reading.load(std::memory_order_relaxed)) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the report is being made
        relocked->lock();  // the relock detector ends the process here, unless it waits
    });
    while (!holding.load(std::memory_order_relaxed)) std::this_thread::yield();
    std::thread writer([&] {
        cj::stress::name_this_thread("writer");
        shared->add_unlocked();
        written.store(true, std::memory_order_relaxed);
    });
    std::thread reader([&] {
        cj::stress::name_this_thread("reader");
        while (!written.load(std::memory_order_relaxed)) std::this_thread::yield();
        reading.store(true, std::memory_order_relaxed);
        seen.store(shared->read_unlocked(), std::memory_order_relaxed);
    });
    writer.join();
    reader.join();
    relocker.join();
    FAIL("neither ThreadSanitizer nor the relock detector ended the process");
}
